import { describe, expect, it } from "vitest";
import { SharedReads } from "../../src/storage/shared-reads.ts";

// SharedReads is a pure scheduling rule: callers of one tick share a read sent after that tick;
// a caller that comes once the read is on its way gets a read of its own.

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("SharedReads", () => {
  it("callers of one tick, for one key, share one read; other keys read apart", async () => {
    const reads: string[] = [];
    const shared = new SharedReads(async (key: string) => (reads.push(key), `${key}#${reads.length}`));
    const results = await Promise.all([shared.get("a"), shared.get("a"), shared.get("b"), shared.get("a")]);
    expect(results).toEqual(["a#1", "a#1", "b#2", "a#1"]);
    expect(reads).toEqual(["a", "b"]);
  });

  it("a caller that asks once the read has started gets a new read, never the older one", async () => {
    let release = () => {};
    const started: number[] = [];
    let version = 0;
    const shared = new SharedReads(async () => {
      const seen = ++version;
      started.push(seen);
      await new Promise<void>((resolve) => (release = resolve));
      return seen;
    });
    const first = shared.get("k");
    await tick(); // the first read is now on its way
    const second = shared.get("k"); // asked after it started: it may not have seen a change made just now
    release();
    expect(await first).toBe(1);
    await tick();
    release();
    expect(await second).toBe(2);
    expect(started).toEqual([1, 2]);
  });

  it("a failed read fails its callers, and the next caller reads again", async () => {
    let fail = true;
    const shared = new SharedReads(async () => {
      if (fail) throw new Error("database unavailable");
      return "ok";
    });
    await expect(Promise.all([shared.get("k"), shared.get("k")])).rejects.toThrow("database unavailable");
    fail = false;
    expect(await shared.get("k")).toBe("ok");
  });
});
