// Live logs of one execution through GET /api/executions/:id/events (Server-Sent Events).
// EventSource cannot send the Authorization header the console authenticates with (the token
// lives in sessionStorage, not a cookie), so the stream is read with fetch; a dropped stream is
// opened again after the last seq seen (Last-Event-ID), so no line shows twice or goes missing.
import { createParser } from "eventsource-parser";
import { useEffect, useState } from "react";
import { tokenStore, type Execution, type ExecutionStatus } from "./api";

/** A stored line: the `data` of a `log` event, as in an execution's `logs`. */
export type LogLine = Execution["logs"][number];

export interface LiveLogs {
  lines: LogLine[];
  /** The last status the stream gave (null before the first). */
  status: ExecutionStatus | null;
  /** False while the stream is being opened again after a drop. */
  connected: boolean;
}

const FINAL: ExecutionStatus[] = ["success", "failed", "timeout", "cancelled"];
/** Waits between reconnects: short first, then backing off to this. */
const MAX_BACKOFF_MS = 5_000;

/**
 * Follows `executionId`'s lines and status until it has ended (or the component goes away).
 * `initial`: lines already shown (the execution as read), so the stream starts after them.
 */
export function useLiveLogs(executionId: string, initial: LogLine[] = []): LiveLogs {
  const [state, setState] = useState<LiveLogs>({ lines: initial, status: null, connected: false });
  useEffect(() => {
    const stop = new AbortController();
    let after = initial.at(-1)?.seq ?? 0;
    let lines = initial;
    void (async () => {
      for (let failures = 0; !stop.signal.aborted;) {
        let ended = false;
        try {
          const token = tokenStore.get();
          const response = await fetch(`/api/executions/${encodeURIComponent(executionId)}/events`, {
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "last-event-id": String(after) },
            signal: stop.signal,
          });
          // Not the stream (signed out, gone): nothing to follow; the page shows the error.
          if (!response.ok || !response.body) return;
          setState((s) => ({ ...s, connected: true }));
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          const parser = createParser({
            onEvent: (event) => {
              failures = 0;
              if (event.event === "log") {
                const line = JSON.parse(event.data) as LogLine;
                if (line.seq <= after) return;
                after = line.seq;
                lines = [...lines, line];
                setState((s) => ({ ...s, lines }));
              } else if (event.event === "status") {
                const { status } = JSON.parse(event.data) as { status: ExecutionStatus };
                ended = FINAL.includes(status);
                setState((s) => ({ ...s, status }));
              }
            },
          });
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.feed(value);
          }
          if (ended) return;
        } catch {
          if (stop.signal.aborted) return;
        }
        setState((s) => ({ ...s, connected: false }));
        failures++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures)));
      }
    })();
    return () => stop.abort();
    // `initial` only seeds the first render's stream; a new execution id starts over.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [executionId]);
  return state;
}
