import { tokenStore } from "./api";

// Keeping a sign-in across the tabs of one browser without a cookie: a tab opened without a token
// asks the open tabs of the same origin (BroadcastChannel never leaves the browser) and one of them
// hands its token over; signing out in one tab signs every tab out.

type Message = { type: "request" } | { type: "token"; token: string } | { type: "signout" };

const CHANNEL = "bifrost.session";
/** How long a new tab waits for an open tab's answer before it shows the sign-in page. */
export const HANDOFF_WAIT_MS = 400;

function channel(): BroadcastChannel | null {
  return typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
}

/** Answers other tabs' requests with this tab's token, and obeys a sign-out from any tab. */
export function listenForHandoff(onSignOut: () => void): () => void {
  const ch = channel();
  if (!ch) return () => {};
  ch.onmessage = (event: MessageEvent<Message>) => {
    const token = tokenStore.get();
    if (event.data.type === "request" && token) ch.postMessage({ type: "token", token } satisfies Message);
    if (event.data.type === "signout" && token) onSignOut();
  };
  return () => ch.close();
}

/** A token from another open tab, or null when none answers in time. */
export function requestTokenFromOtherTabs(waitMs = HANDOFF_WAIT_MS): Promise<string | null> {
  const ch = channel();
  if (!ch) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (token: string | null) => {
      clearTimeout(timer);
      ch.close();
      resolve(token);
    };
    const timer = setTimeout(() => done(null), waitMs);
    ch.onmessage = (event: MessageEvent<Message>) => {
      if (event.data.type === "token") done(event.data.token);
    };
    ch.postMessage({ type: "request" } satisfies Message);
  });
}

/** Tells every other tab to sign out (this tab clears its own token). */
export function broadcastSignOut(): void {
  const ch = channel();
  ch?.postMessage({ type: "signout" } satisfies Message);
  ch?.close();
}
