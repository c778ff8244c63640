import { inspect } from "node:util";

export const REDACTED = "[REDACTED]";

/** Values shorter than this would redact ordinary text (see MIN_SCRUBBABLE_SECRET_LENGTH). */
const MIN_LENGTH = 4;

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
 * The forms a value is commonly leaked in: as is, and base64, base64url, URL, JSON-escaped,
 * `util.inspect`-escaped and hex encoded; its UTF-16 bytes read as UTF-8 (a tool's UTF-16LE
 * output; NULs left out, as the scrubber skips them, see mayHoldNuls below), as is, JSON- and
 * inspect-escaped: for an ASCII value, the value itself; such a form must hold 4 characters other
 * than U+FFFD, which UTF-8 makes of most bytes beyond ASCII and which shows nothing. Base64 also as it shows
 * inside the encoding of a longer text (an `Authorization: Basic` header of `user:secret`; a
 * JSON document sent base64-encoded, such as a JWT's payload, with the value JSON-escaped as
 * `JSON.stringify` does): there the value's characters depend on where it falls in the encoder's
 * 3-byte groups, so it is matched at each of the three alignments by its whole groups, and the
 * group on either side that holds some of its bytes is redacted too (those 4 characters decode to
 * up to two of the value's bytes). Such a form is used only when it spans at least 6 bytes of the
 * value: a value under 8 bytes is matched inside longer base64 at some alignments or none, as
 * shorter forms would redact unrelated base64 text by chance.
 */
export function formsOf(value: string): SecretForm[] {
  const bytes = Buffer.from(value, "utf8");
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  const utf16AsBytes = Buffer.from(value, "utf16le").toString("utf8").replaceAll("\0", "");
  const utf16 = utf16AsBytes.replaceAll("\uFFFD", "").length >= MIN_LENGTH ? [utf16AsBytes, JSON.stringify(utf16AsBytes).slice(1, -1), ...inspected(utf16AsBytes)] : [];
  const exact = [
    value,
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, "+"),
    jsonEscaped,
    ...inspected(value),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
    ...utf16,
  ].map((text) => ({ text, before: 0, after: 0 }));
  const spellings = jsonEscaped === value ? [bytes] : [bytes, Buffer.from(jsonEscaped, "utf8")];
  const inside = spellings.flatMap((spelling) => [...base64Inside(spelling, "base64"), ...base64Inside(spelling, "base64url")]);
  return [...exact.filter((form) => form.text.length >= MIN_LENGTH), ...inside.filter((form) => form.text.length >= MIN_INSIDE_LENGTH)];
}

/**
 * How `util.inspect` must show strings for its form of a value (below) to match: whole and in one
 * piece. By default it shows a string's first 10,000 characters ("... 12 more characters"), and
 * one holding line breaks that is longer than a line (a PEM key in an object) as quoted pieces
 * joined by `+`: no form of the whole value matches either. Worker processes show run output so
 * (workers/run-console.ts); objects then show on one line.
 */
export const INSPECT_IN_ONE_PIECE = { maxStringLength: Infinity, breakLength: Infinity };

/**
 * As `util.inspect` (`console.log` of an object) writes the value between quotes: backslashes and
 * control characters escaped, quotes as they are, or `'` as `\'` (when the logged string holds
 * every kind of quote, which the value alone does not tell). Each piece between single quotes is
 * inspected alone: without one, inspect quotes it with `'` and escapes no quote.
 */
function inspected(text: string): string[] {
  if (!/[\x00-\x1f'\\\x7f-\x9f]/.test(text)) return [text];
  const pieces = text.split("'").map((piece) => inspect(piece, INSPECT_IN_ONE_PIECE).slice(1, -1));
  return pieces.length === 1 ? pieces : [pieces.join("'"), pieces.join("\\'")];
}

/** The texts of `formsOf(value)`. */
export function encodingsOf(value: string): string[] {
  return [...new Set(formsOf(value).map((form) => form.text))];
}

/** 6 bytes: chance matches one of them in 2^48 positions of random base64. */
const MIN_INSIDE_LENGTH = 8;

/** `bytes` encoded from each of their first three bytes, whole 3-byte groups only: each encoding of a longer text holding them contains one of these. */
function base64Inside(bytes: Buffer, encoding: "base64" | "base64url"): SecretForm[] {
  return [0, 1, 2].map((from) => {
    const whole = Math.floor((bytes.length - from) / 3) * 3;
    return { text: bytes.subarray(from, from + whole).toString(encoding), before: from > 0 ? 4 : 0, after: from + whole < bytes.length ? 4 : 0 };
  });
}

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
function redaction(text: string, start: number, end: number, before: number, after: number, found: number[]): void {
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
function backslashesBefore(text: string, at: number): number {
  let count = 0;
  while (at - count > 0 && text.charCodeAt(at - count - 1) === 92) count++;
  return count;
}

/** Where the `\uXXXX` escape that `at` falls inside starts (`at` after its backslash, before its end), or -1. */
function escapeAround(text: string, at: number): number {
  for (let p = at - 1; p >= Math.max(0, at - 5); p--) {
    if (text.charCodeAt(p) !== 92 || text.charCodeAt(p + 1) !== 117 || !/^[0-9a-fA-F]{4}$/.test(text.slice(p + 2, p + 6))) continue;
    if (backslashesBefore(text, p) % 2 === 0) return p;
  }
  return -1;
}

/** Every pattern is sampled by its grams of this many UTF-16 code units. MIN_LENGTH must be at least this. */
const GRAM = 4;
/** The gram bitmap has about 16 bits a gram (few false hits), between 2^10 and 2^20 bits. */
const filterBitsFor = (grams: number) => Math.min(20, Math.max(10, Math.ceil(Math.log2(Math.max(1, grams) * 16))));

/** FNV-1a over the gram starting at `at`: the same function indexes patterns and samples text. */
function gramHash(text: string, at: number): number {
  let h = Math.imul(0x811c9dc5 ^ text.charCodeAt(at), 0x01000193);
  h = Math.imul(h ^ text.charCodeAt(at + 1), 0x01000193);
  h = Math.imul(h ^ text.charCodeAt(at + 2), 0x01000193);
  return Math.imul(h ^ text.charCodeAt(at + 3), 0x01000193) >>> 0;
}

/**
 * A gram more patterns than this have at the same distance from their end (a prefix or an ending
 * shared by secrets of one kind and length, like `sk_live_`) would make every sample that lands on
 * it check them all: the index leaves it out. Chance puts a few patterns on one gram at most.
 */
const MOST_SHARED = 32;

/**
 * Whether a value occurs more than `most` times. Counted in bins first (four for each value, so
 * chance rarely fills one; all zero before and after), and exactly, by sorting, only when a bin does.
 */
function occursMoreThan(most: number, hashes: Uint32Array, bins: Uint16Array): boolean {
  const mask = bins.length - 1;
  let full = false;
  for (let i = 0; i < hashes.length; i++) if (++bins[hashes[i] & mask] > most) full = true;
  for (let i = 0; i < hashes.length; i++) bins[hashes[i] & mask] = 0; // cheaper than clearing them all
  if (!full) return false;
  const sorted = hashes.slice().sort();
  for (let i = 1, run = 1; i < sorted.length; i++) if ((run = sorted[i] === sorted[i - 1] ? run + 1 : 1) > most) return true;
  return false;
}

/**
 * Finds the occurrences of a set of patterns in a text without reading it character by character:
 * it is sampled every `stride` characters, and each pattern has `stride` consecutive grams indexed,
 * at the same distances from its end for every pattern, so every occurrence of every pattern has
 * exactly one sample at an indexed gram, at a known offset in the pattern. The stride is the
 * shortest pattern's length less 3 (all its grams), or the longest run of those distances where no
 * gram is shared by many patterns (MOST_SHARED), if that run is at least a quarter as long (of runs
 * as long, the nearest the end). Each sample is one hash and one bit test (a bitmap of every
 * indexed gram), and only the rare sample whose bit is set is looked up and checked with
 * `startsWith`. So the cost is the text's length over the stride whatever the number of patterns:
 * 1,000 secrets cost what 10 do (`npm run bench`).
 */
class GramIndex {
  readonly #forms: SecretForm[];
  /** Sampling stride: how many of each pattern's grams are indexed. */
  readonly stride: number;
  readonly #filter: Uint8Array;
  readonly #filterBits: number;
  /**
   * The indexed grams, as a hash table with chaining in typed arrays
   * (bucket → first entry, entry → next entry of its bucket): with 1,000 secrets it indexes
   * ~100,000 grams, which a Map of arrays took ~30 ms to do.
   */
  readonly #buckets: Int32Array;
  readonly #next: Int32Array;
  readonly #gramHash: Uint32Array;
  readonly #gramPattern: Int32Array;
  /** The gram's offset in its pattern. */
  readonly #gramOffset: Int32Array;

  /** @param forms at least one, none shorter than GRAM */
  constructor(forms: SecretForm[]) {
    this.#forms = forms;
    const patterns = forms.map((form) => form.text);
    const size = patterns.length;
    const shortest = Math.min(...patterns.map((p) => p.length));
    // Column c holds each pattern's gram that starts c + GRAM characters before its end. The
    // index takes `stride` consecutive columns from `first`: any run of them does, as long as a
    // shortest pattern has them all.
    const columns = shortest - GRAM + 1;
    const hashes = new Uint32Array(size * columns);
    patterns.forEach((pattern, index) => {
      for (let column = 0; column < columns; column++) hashes[column * size + index] = gramHash(pattern, pattern.length - GRAM - column);
    });
    const bins = new Uint16Array(1 << Math.ceil(Math.log2(4 * size)));
    const heavy = Array.from({ length: columns }, (_, c) => occursMoreThan(MOST_SHARED, hashes.subarray(c * size, (c + 1) * size), bins));
    let [first, stride] = [0, columns];
    if (heavy.includes(true)) {
      let best = [0, 0];
      for (let c = 0, run = 0; c < columns; c++) {
        run = heavy[c] ? 0 : run + 1;
        if (run > best[1]) best = [c - run + 1, run];
      }
      if (best[1] >= Math.ceil(columns / 4)) [first, stride] = best;
    }
    this.stride = stride;
    const entries = size * stride;
    this.#filterBits = filterBitsFor(entries);
    this.#filter = new Uint8Array(1 << (this.#filterBits - 3));
    this.#buckets = new Int32Array(1 << Math.ceil(Math.log2(entries))).fill(-1);
    this.#next = new Int32Array(entries);
    this.#gramHash = stride === columns ? hashes : hashes.slice(first * size, (first + stride) * size);
    this.#gramPattern = new Int32Array(entries);
    this.#gramOffset = new Int32Array(entries);
    const mask = this.#buckets.length - 1;
    for (let column = first, entry = 0; column < first + stride; column++) {
      for (let index = 0; index < size; index++, entry++) {
        const h = this.#gramHash[entry];
        const bit = h >>> (32 - this.#filterBits);
        this.#filter[bit >>> 3] |= 1 << (bit & 7);
        this.#gramPattern[entry] = index;
        this.#gramOffset[entry] = patterns[index].length - GRAM - column;
        this.#next[entry] = this.#buckets[h & mask];
        this.#buckets[h & mask] = entry;
      }
    }
  }

  /** Adds every occurrence's redaction to `found` as a [start, end) pair, in no particular order (one may be added twice). */
  find(text: string, found: number[]): void {
    const filter = this.#filter;
    const stride = this.stride;
    const shift = 32 - this.#filterBits;
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    const next = this.#next;
    const hashes = this.#gramHash;
    for (let at = 0, last = text.length - GRAM; at <= last; at += stride) {
      const h = gramHash(text, at);
      const bit = h >>> shift;
      if ((filter[bit >>> 3] & (1 << (bit & 7))) === 0) continue;
      for (let e = buckets[h & mask]; e >= 0; e = next[e]) {
        if (hashes[e] !== h) continue;
        const form = this.#forms[this.#gramPattern[e]];
        const start = at - this.#gramOffset[e];
        if (start >= 0 && text.startsWith(form.text, start)) redaction(text, start, start + form.text.length, form.before, form.after, found);
      }
    }
  }
}

/**
 * NULs between a value's characters: its UTF-16 bytes read as UTF-8 (a tool's UTF-16LE output,
 * `Buffer.from(secret, "utf16le")` written to stdout) spell it with a NUL beside each ASCII
 * character, which no form matches; and where such text was escaped, as JSON (`\u0000`) or
 * `util.inspect` (`console.log` of an object: `\x00`) write a NUL. A text holding any is
 * searched again without them.
 */
function mayHoldNuls(text: string): boolean {
  return text.includes("\0") || text.includes("\\u0000") || text.includes("\\x00");
}

/**
 * `text` without its NULs, raw or escaped (an escape only where its backslash is not itself
 * escaped), and where each of its characters was in `text`.
 */
function withoutNuls(text: string): { stripped: string; kept: Int32Array } {
  const codes = new Uint16Array(text.length);
  const kept = new Int32Array(text.length);
  let length = 0;
  let backslashes = 0; // right before i
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) {
      backslashes = 0;
      continue;
    }
    if (code === 92 && backslashes % 2 === 0 && (text.startsWith("u0000", i + 1) || text.startsWith("x00", i + 1))) {
      i += text.charCodeAt(i + 1) === 117 ? 5 : 3;
      backslashes = 0;
      continue;
    }
    backslashes = code === 92 ? backslashes + 1 : 0;
    codes[length] = code;
    kept[length++] = i;
  }
  const parts: string[] = [];
  for (let at = 0; at < length; at += 8192) parts.push(String.fromCharCode(...codes.subarray(at, Math.min(at + 8192, length))));
  return { stripped: parts.join(""), kept };
}

/**
 * Replaces every occurrence of any of the values (and their encodings) with [REDACTED]; overlapping
 * or touching occurrences merge into one redaction. NULs inside an occurrence, raw or escaped, are
 * skipped (above).
 */
export class SecretScrubber {
  #indexes: GramIndex[];

  constructor(values: Iterable<string>) {
    // One entry a text: two values may share a form, and then its redaction reaches the furthest.
    const forms = new Map<string, SecretForm>();
    for (const value of values) {
      for (const form of formsOf(value)) {
        const known = forms.get(form.text);
        forms.set(form.text, known ? { text: form.text, before: Math.max(known.before, form.before), after: Math.max(known.after, form.after) } : form);
      }
    }
    this.#indexes = forms.size === 0 ? [] : [new GramIndex([...forms.values()])];
  }

  /** Its densest sampling stride, in characters (0 when it looks for nothing). */
  get stride(): number {
    return this.#indexes.length === 0 ? 0 : Math.min(...this.#indexes.map((index) => index.stride));
  }

  /**
   * A scrubber of this one's values and `more`, which reuses this one's index: building one for
   * 1,000 secrets takes ~10–30 ms (`npm run bench`), one for a run's few values of its own
   * microseconds. It redacts exactly what one scrubber of all the values would: every value is
   * found in the text as given, and the occurrences merge. (Scrubbing with one, then the other,
   * would not: a value overlapping one already replaced would no longer be found, and the rest of
   * it would show.)
   */
  with(more: Iterable<string>): SecretScrubber {
    return SecretScrubber.joined([this, new SecretScrubber(more)]);
  }

  /** A scrubber of all their values, made of their indexes as they are (no indexing: as `with`). */
  static joined(scrubbers: SecretScrubber[]): SecretScrubber {
    const combined = new SecretScrubber([]);
    combined.#indexes = scrubbers.flatMap((scrubber) => scrubber.#indexes);
    return combined;
  }

  scrub(text: string): string {
    if (text.length === 0) return text;
    const found: number[] = [];
    for (const index of this.#indexes) index.find(text, found);
    if (this.#indexes.length > 0 && mayHoldNuls(text)) this.#findWithoutNuls(text, found);
    if (found.length === 0) return text;
    const order = Array.from({ length: found.length / 2 }, (_, i) => i).sort((a, b) => found[2 * a] - found[2 * b]);
    let out = "";
    let from = 0;
    let start = found[2 * order[0]];
    let end = found[2 * order[0] + 1];
    for (const i of order) {
      if (found[2 * i] > end) {
        out += text.slice(from, start) + REDACTED;
        from = end;
        start = found[2 * i];
      }
      end = Math.max(end, found[2 * i + 1]);
    }
    return out + text.slice(from, start) + REDACTED + text.slice(end);
  }

  /** Searches `text` again without its NULs, and adds what that finds as ranges of `text` (spanning the NULs). */
  #findWithoutNuls(text: string, found: number[]): void {
    const { stripped, kept } = withoutNuls(text);
    if (stripped.length === text.length) return; // only escapes escaped again: nothing skipped
    const inner: number[] = [];
    for (const index of this.#indexes) index.find(stripped, inner);
    for (let i = 0; i < inner.length; i += 2) found.push(kept[inner[i]], kept[inner[i + 1] - 1] + 1);
  }

  /**
   * Scrubs a JSON text (a run's result as stored): every string in it, keys too. A replacement
   * inside a string keeps it JSON; one across JSON's own syntax (a value spanning a quote, say)
   * would leave text no reader could parse, so that throws a SyntaxError instead.
   */
  scrubJson(json: string): string {
    const scrubbed = this.scrub(json);
    if (scrubbed !== json) JSON.parse(scrubbed);
    return scrubbed;
  }
}
