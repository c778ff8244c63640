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

interface Node {
  next: Map<number, number>;
  fail: number;
  /** Length of the longest pattern ending here (0: none), following fail links. */
  out: number;
}

/**
 * Replaces every occurrence of any of the values (and their encodings) with [REDACTED], in one
 * pass over the text whatever the number of values: an Aho-Corasick automaton over UTF-16 code
 * units. Overlapping matches merge into one redaction.
 */
export class SecretScrubber {
  readonly #nodes: Node[] = [{ next: new Map(), fail: 0, out: 0 }];
  readonly size: number;

  constructor(values: Iterable<string>) {
    const patterns = new Set<string>();
    for (const value of values) for (const form of encodingsOf(value)) patterns.add(form);
    this.size = patterns.size;
    for (const pattern of patterns) this.#add(pattern);
    this.#link();
  }

  scrub(text: string): string {
    if (this.size === 0 || text.length === 0) return text;
    const nodes = this.#nodes;
    // Collect [start, end) ranges; matches come in order of their end, so merging is a single sweep.
    const ranges: number[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (state !== 0 && !nodes[state].next.has(c)) state = nodes[state].fail;
      state = nodes[state].next.get(c) ?? 0;
      const length = nodes[state].out;
      if (length > 0) {
        // A long match may start before several earlier (shorter) ones: fold them all into it.
        let start = i + 1 - length;
        while (ranges.length > 0 && start <= ranges[ranges.length - 1]) {
          start = Math.min(start, ranges[ranges.length - 2]);
          ranges.length -= 2;
        }
        ranges.push(start, i + 1);
      }
    }
    if (ranges.length === 0) return text;
    let out = "";
    let from = 0;
    for (let r = 0; r < ranges.length; r += 2) {
      out += text.slice(from, ranges[r]) + REDACTED;
      from = ranges[r + 1];
    }
    return out + text.slice(from);
  }

  /** Scrubs every string inside a JSON-compatible value (keys too). */
  scrubValue<T>(value: T): T {
    if (this.size === 0 || value === null || value === undefined) return value;
    return JSON.parse(this.scrub(JSON.stringify(value))) as T;
  }

  #add(pattern: string): void {
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      let next = this.#nodes[state].next.get(c);
      if (next === undefined) {
        next = this.#nodes.push({ next: new Map(), fail: 0, out: 0 }) - 1;
        this.#nodes[state].next.set(c, next);
      }
      state = next;
    }
    this.#nodes[state].out = Math.max(this.#nodes[state].out, pattern.length);
  }

  #link(): void {
    const queue: number[] = [...this.#nodes[0].next.values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [c, child] of this.#nodes[state].next) {
        let fail = this.#nodes[state].fail;
        while (fail !== 0 && !this.#nodes[fail].next.has(c)) fail = this.#nodes[fail].fail;
        const target = this.#nodes[fail].next.get(c);
        this.#nodes[child].fail = target !== undefined && target !== child ? target : 0;
        this.#nodes[child].out = Math.max(this.#nodes[child].out, this.#nodes[this.#nodes[child].fail].out);
        queue.push(child);
      }
    }
  }
}
