// Where a match's redaction starts and ends: widened over the base64 groups that hold the value's
// edge bytes, and never leaving half an escape behind (JSON text must stay JSON).

/** What a secret's occurrence is replaced with. */
export const REDACTED = "[REDACTED]";

/** Characters of base64 and base64url, padding included. */
function isBase64(code: number): boolean {
  const letterOrDigit = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
  return letterOrDigit || code === 43 || code === 47 || code === 45 || code === 95 || code === 61; // + / - _ =
}

/**
 * The redaction of a match at [start, end): reaching up to `before` and `after` base64 characters
 * further, and taking the backslash of an escape it would otherwise leave alone before it (a match
 * starting with `n` right after the `\` of a `\n` in JSON text: that text would no longer parse),
 * what an escape it ends with escapes, and the whole of a `\uXXXX` escape it would cut.
 */
export function redaction(
  text: string,
  start: number,
  end: number,
  before: number,
  after: number,
  found: number[],
): void {
  for (let n = 0; n < before && start > 0 && isBase64(text.charCodeAt(start - 1)); n++) start--;
  for (let n = 0; n < after && end < text.length && isBase64(text.charCodeAt(end)); n++) end++;
  // Never an escape's backslash without what it escapes (a value ending in a backslash, in JSON
  // text before a quote, would leave the quote bare), nor half a \uXXXX escape (its digits are
  // base64 characters, which the widening takes).
  if (backslashesBefore(text, end) % 2 === 1 && end < text.length) end++;
  const escapeAtStart = escapeAround(text, start);
  if (escapeAtStart !== -1) start = escapeAtStart;
  const escapeAtEnd = escapeAround(text, end);
  if (escapeAtEnd !== -1) end = escapeAtEnd + 6;
  found.push(start - (backslashesBefore(text, start) % 2), end);
}

/** How many backslashes come right before `at`: an odd run ends with one that escapes what is at `at`. */
export function backslashesBefore(text: string, at: number): number {
  let count = 0;
  while (at - count > 0 && text.charCodeAt(at - count - 1) === 92) count++;
  return count;
}

/** Where the `\uXXXX` escape that `at` falls inside starts (`at` after its backslash, before its end), or -1. */
function escapeAround(text: string, at: number): number {
  for (let p = at - 1; p >= Math.max(0, at - 5); p--) {
    if (
      text.charCodeAt(p) !== 92 ||
      text.charCodeAt(p + 1) !== 117 ||
      !/^[0-9a-fA-F]{4}$/.test(text.slice(p + 2, p + 6))
    )
      continue;
    if (backslashesBefore(text, p) % 2 === 0) return p;
  }
  return -1;
}
