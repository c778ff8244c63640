import { SecretScrubber } from "./secret-scrubber.ts";

/** A scope's secret values and the scrubber built from them. */
export interface ScopeScrubber {
  scrubber: SecretScrubber;
  values: ReadonlySet<string>;
}

/**
 * The scrubbers of scopes' secret values, kept between runs, each with the config revision
 * (src/configs/config-revisions.ts) its values were read at: the one place scrubbing keeps
 * anything. For each run, the worker reads its scope's revision (one indexed read, while it
 * claims the run); while it has not moved, neither have the scope's secrets, and the scrubber is
 * reused instead of the values being read, decrypted and indexed again for every run (with 1,000
 * secrets in scope, ~7 ms to read and decrypt them and ~10-30 ms to index them).
 *
 * Values are read after the revision they are kept under was, so they are never older than that
 * revision says, and revisions only move forward: a caller that sees it unchanged gets the values
 * as they are now. Plaintext kept in a worker's memory between runs exposes nothing new:
 * the process holds the key that decrypts every row. Memory is bounded by a number of values over
 * all scopes kept; the scopes whose runs came last stay.
 */
export class ScopeScrubbers {
  readonly #byScope = new Map<string, { revision: string; scrubber: Promise<ScopeScrubber>; count: number }>();
  #count = 0;

  /**
   * @param read reads a scope's own values now ("global", or an org id: that org's only)
   * @param budget how many values to keep over all scopes (measured: ~4.7 KB of scrubber each)
   */
  constructor(
    private readonly read: (scopeId: string) => Promise<readonly string[]>,
    private readonly budget = 20_000,
  ) {}

  /** The scope's scrubber as of `revision` (as the caller just read it), read and built only when it moved. */
  get(scopeId: string, revision: string): Promise<ScopeScrubber> {
    const known = this.#byScope.get(scopeId);
    if (known?.revision === revision) {
      this.#byScope.delete(scopeId); // re-inserted last: the map's order is the eviction order
      this.#byScope.set(scopeId, known);
      return known.scrubber;
    }
    this.#forget(scopeId);
    const entry = {
      revision,
      scrubber: this.read(scopeId).then((values) => ({
        scrubber: new SecretScrubber(values),
        values: new Set(values),
      })),
      count: 0,
    };
    this.#byScope.set(scopeId, entry);
    entry.scrubber.then(
      (built) => {
        if (this.#byScope.get(scopeId) !== entry) return;
        entry.count = built.values.size;
        this.#count += built.values.size;
        for (const id of this.#byScope.keys()) {
          if (this.#count <= this.budget || id === scopeId) break;
          this.#forget(id);
        }
      },
      () => {
        if (this.#byScope.get(scopeId) === entry) this.#forget(scopeId);
      },
    );
    return entry.scrubber;
  }

  /** Scope ids kept, least recently used first (for tests). */
  scopes(): string[] {
    return [...this.#byScope.keys()];
  }

  #forget(scopeId: string): void {
    const entry = this.#byScope.get(scopeId);
    if (!entry) return;
    this.#count -= entry.count;
    this.#byScope.delete(scopeId);
  }
}
