import { inspect } from "node:util";

/** Values shorter than this would redact ordinary text (see MIN_SCRUBBABLE_SECRET_LENGTH). */
export const MIN_SECRET_LENGTH = 4;

/**
 * A form a value is looked for in, and how far a redaction of it reaches past the match: base64
 * of a value inside a longer text is matched by the value's whole 3-byte groups (below), and the
 * encoded groups at either end, which hold the value's first or last bytes with their neighbours',
 * are redacted with it.
 */
export interface SecretForm {
  text: string;
  /** Characters before the match that go with it (base64 ones only, at most this many). */
  before: number;
  after: number;
}

/**
 * What a secret is looked for as: itself and, when it has several lines (a PEM key, a key file),
 * each of its lines, trimmed, as CI systems mask multi-line secrets. A stack trace repeats an
 * error message's lines one by one, and `util.inspect` indents them: no form of the whole value
 * matches there.
 */
export function valuesToFind(value: string): string[] {
  if (!/[\r\n]/.test(value)) return [value];
  const lines = value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_SECRET_LENGTH);
  return [...new Set([value, ...lines])];
}

/**
 * The forms a value is commonly leaked in: as is, base64 (also inside a longer text's base64, at
 * each alignment), percent-encoded four ways, JSON- and inspect-escaped, hex and Buffers, its
 * UTF-16 bytes read as UTF-8. Each form and why: docs/design/scrubbing.md.
 */
export function formsOf(value: string): SecretForm[] {
  const bytes = Buffer.from(value, "utf8");
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  const utf16AsBytes = Buffer.from(value, "utf16le").toString("utf8").replaceAll("\0", "");
  const utf16 =
    utf16AsBytes.replaceAll("\uFFFD", "").length >= MIN_SECRET_LENGTH
      ? [utf16AsBytes, JSON.stringify(utf16AsBytes).slice(1, -1), ...inspected(utf16AsBytes)]
      : [];
  const hex = bytes.toString("hex");
  const exact = [
    value,
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    ...percentEncoded(value),
    jsonEscaped,
    JSON.stringify(jsonEscaped).slice(1, -1),
    ...inspected(value),
    hex,
    hex.toUpperCase(),
    hex.replace(/(..)(?!$)/g, "$1 "),
    bytes.join(","),
    ...utf16,
  ].map((text) => ({ text, before: 0, after: 0 }));
  const spellings = jsonEscaped === value ? [bytes] : [bytes, Buffer.from(jsonEscaped, "utf8")];
  const inside = spellings.flatMap((spelling) => [
    ...base64Inside(spelling, "base64"),
    ...base64Inside(spelling, "base64url"),
  ]);
  return [
    ...exact.filter((form) => form.text.length >= MIN_SECRET_LENGTH),
    ...inside.filter((form) => form.text.length >= MIN_INSIDE_LENGTH),
  ];
}

/** The texts of `formsOf(value)`. */
export function encodingsOf(value: string): string[] {
  return [...new Set(formsOf(value).map((form) => form.text))];
}

/**
 * The value percent-encoded the ways URLs and form bodies do. A lone surrogate cannot be
 * percent-encoded (encodeURI throws; URL and URLSearchParams write U+FFFD): those forms are left out.
 */
function percentEncoded(value: string): string[] {
  if (!value.isWellFormed()) return [];
  const component = encodeURIComponent(value);
  const url = new URL("http://host");
  url.password = value;
  return [
    component,
    component.replace(/%20/g, "+"),
    encodeURI(value),
    new URLSearchParams([["", value]]).toString().slice(1),
    url.password,
  ];
}

/**
 * How `util.inspect` must show values for its forms of a secret (below) to match: strings whole
 * and in one piece, arrays and Buffers whole. By default it shows a string's first 10,000
 * characters ("... 12 more characters"), one holding line breaks that is longer than a line (a PEM
 * key in an object) as quoted pieces joined by `+`, an array's first 100 items and a Buffer's
 * first 50 bytes: no form of the whole value matches then. Worker processes show run output so
 * (src/workflows/runtime/run-console.ts); objects then show on one line.
 */
export const INSPECT_IN_ONE_PIECE = { maxStringLength: Infinity, breakLength: Infinity, maxArrayLength: Infinity };

/**
 * As `util.inspect` (`console.log` of an object) writes the value between quotes: backslashes and
 * control characters escaped, quotes as they are, or `'` as `\'` (when the logged string holds
 * every kind of quote, which the value alone does not tell). Each piece between single quotes is
 * inspected alone: without one, inspect quotes it with `'` and escapes no quote.
 */
function inspected(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- the characters util.inspect escapes
  if (!/[\x00-\x1f'\\\x7f-\x9f]/.test(text)) return [text];
  const pieces = text.split("'").map((piece) => inspect(piece, INSPECT_IN_ONE_PIECE).slice(1, -1));
  return pieces.length === 1 ? pieces : [pieces.join("'"), pieces.join("\\'")];
}

/** 6 bytes: chance matches one of them in 2^48 positions of random base64. */
const MIN_INSIDE_LENGTH = 8;

/** `bytes` encoded from each of their first three bytes, whole 3-byte groups only: each encoding of a longer text holding them contains one of these. */
function base64Inside(bytes: Buffer, encoding: "base64" | "base64url"): SecretForm[] {
  return [0, 1, 2].map((from) => {
    const whole = Math.floor((bytes.length - from) / 3) * 3;
    return {
      text: bytes.subarray(from, from + whole).toString(encoding),
      before: from > 0 ? 4 : 0,
      after: from + whole < bytes.length ? 4 : 0,
    };
  });
}
