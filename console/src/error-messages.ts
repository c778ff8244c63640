import { ApiError, NETWORK_ERROR } from "./api";

// What an API error means to the person at the form, in words: by the stable `error.code` and its
// details, never the raw validation text or a route name.

const BY_CODE: Record<string, string> = {
  [NETWORK_ERROR]: "The Bifrost API cannot be reached right now. Check that the server is running, then try again.",
  UNAUTHORIZED: "Your session has ended: sign in again.",
  RATE_LIMITED: "Too many requests: wait a moment and try again.",
  PAYLOAD_TOO_LARGE: "That is too large to send.",
  ORG_NOT_FOUND: "That org does not exist (any more).",
  CONFIG_NOT_FOUND: "That config does not exist (any more): it may have been deleted meanwhile.",
  CONFIG_EXISTS: "This key exists in this scope — edit it instead.",
  DATABASE_ERROR: "The database is busy or unreachable: try again in a moment.",
  QUEUE_UNAVAILABLE: "The run queue is unreachable: try again in a moment.",
  INTERNAL_ERROR: "Something went wrong on the server. Try again; if it keeps happening, check the server's log.",
};

/** A sentence for `error`, starting with a capital and ending with a full stop. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong in the console. Reload the page and try again.";
  const known = BY_CODE[error.code];
  if (known) return known;
  if (error.code === "INVALID_CONFIG_KEY") return "Use letters, digits and _ (up to 255); - . and spaces become _.";
  if (error.code === "INVALID_CONFIG_VALUE") {
    const type = (error.details as { type?: string } | undefined)?.type ?? "this type";
    return sentence(
      `Not accepted as ${type}: ${error.message.replace(/^Invalid value for config "[^"]*" of type \w+: /, "")}`,
    );
  }
  if (error.status >= 500) return BY_CODE.INTERNAL_ERROR!;
  return sentence(error.message);
}

/** Words for one field's validation issue (`issue.message` from the API's zod schemas). */
export function describeIssue(field: string, message: string): string {
  if (/^Invalid option|^Invalid input: expected/i.test(message))
    return field === "type" ? "Choose one of the types." : `This ${field} is not valid.`;
  if (/Unrecognized key/i.test(message)) return "The console sent a field the server does not know: reload the page.";
  return sentence(message);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "Something went wrong.";
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
