import { describe, expect, it } from "vitest";
import { ScopeScrubbers } from "../../src/secrets/scope-scrubbers.ts";

/** A read that counts its calls and answers the scope's current values. */
function store(initial: Record<string, string[]>) {
  const values = { ...initial };
  const reads: string[] = [];
  const read = async (scope: string) => {
    reads.push(scope);
    if (!(scope in values)) throw new Error(`cannot read ${scope}`);
    return [...values[scope]];
  };
  return { values, reads, read };
}

describe("ScopeScrubbers", () => {
  it("reuses a scope's values while its revisions hold, and reads them again when they move", async () => {
    const s = store({ acme: ["a1", "a2"] });
    const kept = new ScopeScrubbers(s.read);
    const first = kept.get("acme", "1/1");
    expect([...(await first).values]).toEqual(["a1", "a2"]);
    expect((await first).scrubber.scrub("x a1 a2")).toBe("x a1 a2"); // under 4 characters: not scrubbed
    expect(kept.get("acme", "1/1")).toBe(first); // the same scrubber, not built again
    expect(s.reads).toEqual(["acme"]);

    s.values.acme = ["a1", "a3"];
    expect([...(await kept.get("acme", "1/2")).values]).toEqual(["a1", "a3"]);
    expect([...(await kept.get("acme", "2/2")).values]).toEqual(["a1", "a3"]);
    expect(s.reads).toEqual(["acme", "acme", "acme"]);
  });

  it("keeps no failed read", async () => {
    const s = store({});
    const kept = new ScopeScrubbers(s.read);
    await expect(kept.get("gone", "1/1")).rejects.toThrow("cannot read gone");
    await Promise.resolve();
    expect(kept.scopes()).toEqual([]);
    s.values.gone = ["g"];
    expect([...(await kept.get("gone", "1/1")).values]).toEqual(["g"]);
  });

  it("keeps at most `budget` values over all scopes, dropping the scopes used least recently", async () => {
    const s = store({ a: ["1", "2"], b: ["3", "4"], c: ["5", "6"] });
    const kept = new ScopeScrubbers(s.read, 4);
    await kept.get("a", "r");
    await kept.get("b", "r");
    await kept.get("a", "r"); // a is now the most recently used
    await kept.get("c", "r");
    expect(kept.scopes()).toEqual(["a", "c"]);
    await kept.get("b", "r");
    expect(s.reads).toEqual(["a", "b", "c", "b"]);
  });

  it("keeps a scope larger than the budget alone", async () => {
    const s = store({ small: ["1"], large: ["1", "2", "3", "4", "5"] });
    const kept = new ScopeScrubbers(s.read, 4);
    await kept.get("small", "r");
    await kept.get("large", "r");
    expect(kept.scopes()).toEqual(["large"]);
  });
});
