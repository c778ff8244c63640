/**
 * The secret values of scopes, kept for scrubbing run output between runs, each with the config
 * revision (src/configs/config-list-cache.ts) it was read at. For each run, the worker reads the
 * revisions of its scope's cascade (one indexed read, while it claims the run); while one has not
 * moved, neither have that scope's secrets, and its values (and the scrubber built from them) are
 * reused instead of being read, decrypted and indexed again for every run: with 1,000 secrets in
 * scope that was ~7 ms a run. The global scope is kept once, whatever the number of orgs.
 *
 * Values are read after the revision they are kept under was, so they are never older than that
 * revision says, and revisions only move forward: a caller that sees it unchanged gets the values
 * as they are now. Plaintext kept in a worker's memory between runs exposes nothing new:
 * the process holds the key that decrypts every row. Memory is bounded by a number of values over
 * all scopes kept; the scopes whose runs came last stay.
 */
export class ScrubbableSecrets {
  readonly #byScope = new Map<string, { revision: string; values: Promise<readonly string[]>; count: number }>();
  #count = 0;

  /**
   * @param read reads a scope's own values now ("global", or an org id: that org's only)
   * @param budget how many values to keep over all scopes (measured: ~4.7 KB of scrubber each)
   */
  constructor(
    private readonly read: (scopeId: string) => Promise<readonly string[]>,
    private readonly budget = 20_000,
  ) {}

  /** The scope's values as of `revision` (as the caller just read it), read only when it moved. */
  get(scopeId: string, revision: string): Promise<readonly string[]> {
    const known = this.#byScope.get(scopeId);
    if (known?.revision === revision) {
      this.#byScope.delete(scopeId); // re-inserted last: the map's order is the eviction order
      this.#byScope.set(scopeId, known);
      return known.values;
    }
    this.#forget(scopeId);
    const entry = { revision, values: this.read(scopeId), count: 0 };
    this.#byScope.set(scopeId, entry);
    entry.values.then(
      (values) => {
        if (this.#byScope.get(scopeId) !== entry) return;
        entry.count = values.length;
        this.#count += values.length;
        for (const id of this.#byScope.keys()) {
          if (this.#count <= this.budget || id === scopeId) break;
          this.#forget(id);
        }
      },
      () => {
        if (this.#byScope.get(scopeId) === entry) this.#forget(scopeId);
      },
    );
    return entry.values;
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
