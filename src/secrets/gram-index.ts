import type { SecretForm } from "./secret-forms.ts";
import { redaction } from "./redaction.ts";

/** Every pattern is sampled by its grams of this many UTF-16 code units. MIN_SECRET_LENGTH (secret-forms.ts) must be at least this. */
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
  for (let i = 1, run = 1; i < sorted.length; i++)
    if ((run = sorted[i] === sorted[i - 1] ? run + 1 : 1) > most) return true;
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
export class GramIndex {
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
      for (let column = 0; column < columns; column++)
        hashes[column * size + index] = gramHash(pattern, pattern.length - GRAM - column);
    });
    const bins = new Uint16Array(1 << Math.ceil(Math.log2(4 * size)));
    const heavy = Array.from({ length: columns }, (_, c) =>
      occursMoreThan(MOST_SHARED, hashes.subarray(c * size, (c + 1) * size), bins),
    );
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
        if (start >= 0 && text.startsWith(form.text, start))
          redaction(text, start, start + form.text.length, form.before, form.after, found);
      }
    }
  }
}
