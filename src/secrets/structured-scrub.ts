import { REDACTED } from "./redaction.ts";
import { MIN_SECRET_LENGTH } from "./secret-forms.ts";

/** Scrubs one text (SecretScrubber.scrub). */
export type TextScrub = (text: string) => string;

/** Below this depth a subtree is scrubbed as its JSON text (and replaced whole when it held a secret). */
const MAX_DEPTH = 1_000;
/** How many levels of JSON held in strings (held in JSON strings...) are decoded and walked. */
const MAX_JSON_IN_STRINGS = 8;

/**
 * A JSON value with every secret taken out, walked as a value rather than scrubbed as text, so
 * that the result is always JSON and means what it meant: strings (keys too) are scrubbed; a
 * string that holds JSON (`JSON.stringify({password})` returned as a string) is decoded, walked
 * and encoded again; bytes (a Buffer's `{"type":"Buffer","data":[...]}`, a byte array, a typed
 * array's `{"0":..,"1":..}`) are read as UTF-8 text and written back scrubbed; a number whose
 * digits hold a secret becomes the string "[REDACTED]". `true`, `false` and `null` are never
 * secrets here: a secret spelled so would otherwise redact every boolean of every result.
 * @returns `value` itself when nothing was taken out
 */
export function scrubStructured(value: unknown, scrub: TextScrub): unknown {
  return walk(value, scrub, 0, 0);
}

function walk(value: unknown, scrub: TextScrub, depth: number, jsonDepth: number): unknown {
  if (typeof value === "string") return scrubString(value, scrub, depth, jsonDepth);
  if (typeof value === "number") {
    const digits = String(value);
    return scrub(digits) === digits ? value : REDACTED;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) {
    const text = JSON.stringify(value);
    return scrub(text) === text ? value : REDACTED;
  }
  const bytes = bytesOf(value);
  if (bytes) {
    const text = bytes.toString("utf8");
    const scrubbed = scrub(text);
    if (scrubbed === text) return value;
    const out = [...Buffer.from(scrubbed, "utf8")];
    return Array.isArray(value) ? out : Object.fromEntries(out.map((byte, i) => [String(i), byte]));
  }
  let changed = false;
  if (Array.isArray(value)) {
    const out = value.map((item) => {
      const walked = walk(item, scrub, depth + 1, jsonDepth);
      if (walked !== item) changed = true;
      return walked;
    });
    return changed ? out : value;
  }
  const out: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const scrubbedKey = scrub(key);
    const walked = walk(item, scrub, depth + 1, jsonDepth);
    if (scrubbedKey !== key || walked !== item) changed = true;
    out.push([scrubbedKey, walked]);
  }
  // fromEntries defines each key as JSON.parse does: a "__proto__" key stays a key, not a prototype.
  return changed ? Object.fromEntries(out) : value;
}

function scrubString(text: string, scrub: TextScrub, depth: number, jsonDepth: number): string {
  if (jsonDepth < MAX_JSON_IN_STRINGS && /^\s*[[{"]/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return scrub(text);
    }
    const walked = walk(parsed, scrub, depth + 1, jsonDepth + 1);
    return walked === parsed ? text : JSON.stringify(walked);
  }
  return scrub(text);
}

/** The bytes a JSON value spells, if it is a byte array or a typed array's JSON object. */
function bytesOf(value: object): Buffer | null {
  if (Array.isArray(value)) return value.length >= MIN_SECRET_LENGTH && value.every(isByte) ? Buffer.from(value) : null;
  const entries = Object.entries(value);
  if (entries.length < MIN_SECRET_LENGTH) return null;
  for (let i = 0; i < entries.length; i++) if (entries[i][0] !== String(i) || !isByte(entries[i][1])) return null;
  return Buffer.from(entries.map((entry) => entry[1] as number));
}

function isByte(item: unknown): boolean {
  return Number.isInteger(item) && (item as number) >= 0 && (item as number) <= 255;
}
