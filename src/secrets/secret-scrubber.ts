export const REDACTED = "[REDACTED]";

/** Values shorter than this would redact ordinary text (see MIN_SCRUBBABLE_SECRET_LENGTH). */
const MIN_LENGTH = 4;

/** The forms a value is commonly leaked in: as is, and base64, base64url, URL, JSON-escaped and hex encoded. */
export function encodingsOf(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const forms = new Set([
    value,
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, "+"),
    JSON.stringify(value).slice(1, -1),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ]);
  return [...forms].filter((form) => form.length >= MIN_LENGTH);
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
 * Replaces every occurrence of any of the values (and their encodings) with [REDACTED]; overlapping
 * or touching occurrences merge into one redaction.
 *
 * The text is not read character by character: with `m` the shortest pattern, the last `m`
 * characters of every occurrence of every pattern contain one of the grams sampled every `m - 3`
 * characters, at a known offset in the pattern. (The last ones: secrets often share a prefix,
 * like `sk_live_`, rarely an ending.) Each sample is one hash and one bit test (a bitmap of every
 * gram of every pattern), and only the rare sample whose bit is set is looked up and checked with
 * `startsWith`. So the cost is the text's length over `m - 3` whatever the number of values:
 * 1,000 secrets cost what 10 do (`npm run bench`).
 */
export class SecretScrubber {
  readonly size: number;
  readonly #patterns: string[];
  /** Sampling stride: the shortest pattern's length less the gram's, plus one. */
  readonly #stride: number;
  readonly #filter: Uint8Array;
  readonly #filterBits: number;
  /**
   * The grams of each pattern's last `m` characters, as a hash table with chaining in typed arrays
   * (bucket → first entry, entry → next entry of its bucket): a run builds a scrubber, and with
   * 1,000 secrets it indexes ~200,000 grams, which a Map of arrays took ~30 ms to do.
   */
  readonly #buckets: Int32Array;
  readonly #next: Int32Array;
  readonly #gramHash: Uint32Array;
  readonly #gramPattern: Int32Array;
  /** The gram's offset in its pattern. */
  readonly #gramOffset: Int32Array;

  constructor(values: Iterable<string>) {
    const patterns = new Set<string>();
    for (const value of values) for (const form of encodingsOf(value)) patterns.add(form);
    this.#patterns = [...patterns];
    this.size = this.#patterns.length;
    const shortest = Math.min(...this.#patterns.map((p) => p.length));
    this.#stride = this.size === 0 ? 1 : shortest - GRAM + 1;
    this.#filterBits = filterBitsFor(this.size * this.#stride);
    // Every run builds one: no bitmap at all when there is nothing to scrub.
    this.#filter = new Uint8Array(this.size === 0 ? 0 : 1 << (this.#filterBits - 3));
    const entries = this.size * this.#stride;
    this.#buckets = new Int32Array(entries === 0 ? 0 : 1 << Math.ceil(Math.log2(entries))).fill(-1);
    this.#next = new Int32Array(entries);
    this.#gramHash = new Uint32Array(entries);
    this.#gramPattern = new Int32Array(entries);
    this.#gramOffset = new Int32Array(entries);
    const mask = this.#buckets.length - 1;
    let entry = 0;
    this.#patterns.forEach((pattern, index) => {
      for (let offset = pattern.length - shortest; offset < pattern.length - shortest + this.#stride; offset++, entry++) {
        const h = gramHash(pattern, offset);
        const bit = h >>> (32 - this.#filterBits);
        this.#filter[bit >>> 3] |= 1 << (bit & 7);
        this.#gramHash[entry] = h;
        this.#gramPattern[entry] = index;
        this.#gramOffset[entry] = offset;
        this.#next[entry] = this.#buckets[h & mask];
        this.#buckets[h & mask] = entry;
      }
    });
  }

  scrub(text: string): string {
    if (this.size === 0 || text.length === 0) return text;
    const filter = this.#filter;
    const stride = this.#stride;
    const shift = 32 - this.#filterBits;
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    const next = this.#next;
    const hashes = this.#gramHash;
    // Occurrences as [start, end) pairs, in the order found (an occurrence may be found twice).
    const found: number[] = [];
    for (let at = 0, last = text.length - GRAM; at <= last; at += stride) {
      const h = gramHash(text, at);
      const bit = h >>> shift;
      if ((filter[bit >>> 3] & (1 << (bit & 7))) === 0) continue;
      for (let e = buckets[h & mask]; e >= 0; e = next[e]) {
        if (hashes[e] !== h) continue;
        const pattern = this.#patterns[this.#gramPattern[e]];
        const start = at - this.#gramOffset[e];
        if (start >= 0 && text.startsWith(pattern, start)) found.push(start, start + pattern.length);
      }
    }
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
