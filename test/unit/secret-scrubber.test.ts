import { describe, expect, it } from "vitest";
import { SecretScrubber } from "../../src/secrets/secret-scrubber.ts";

describe("SecretScrubber", () => {
  const secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
  const scrubber = new SecretScrubber([secret, "hunter2!", "p@ss word/ü"]);

  it.each([
    ["plain", `key=${secret}.`],
    ["base64", Buffer.from(secret).toString("base64")],
    ["base64url", Buffer.from("p@ss word/ü").toString("base64url")],
    ["URL-encoded", encodeURIComponent("p@ss word/ü")],
    ["form-encoded", "p%40ss+word%2F%C3%BC"],
    ["JSON-escaped", JSON.stringify({ v: 'p@ss word/ü' })],
    ["hex", Buffer.from(secret).toString("hex")],
    ["HEX", Buffer.from(secret).toString("hex").toUpperCase()],
  ])("redacts the %s form", (_name, text) => {
    const out = scrubber.scrub(text);
    expect(out).toContain("[REDACTED]");
    expect(out).not.toContain(secret);
    expect(out).not.toContain("p@ss word");
  });

  it("redacts every occurrence, merges overlaps, keeps the rest", () => {
    expect(scrubber.scrub(`a hunter2! b hunter2!hunter2! c`)).toBe("a [REDACTED] b [REDACTED] c");
    const overlapping = new SecretScrubber(["abcdef", "defghi"]);
    expect(overlapping.scrub("xxabcdefghixx")).toBe("xx[REDACTED]xx");
  });

  it("finds a pattern that starts inside a failed partial match", () => {
    const s = new SecretScrubber(["aaab", "abcd"]);
    expect(s.scrub("aaaabcd")).toBe("a[REDACTED]");
    const nested = new SecretScrubber(["bcde", "fghi", "abcdefghijk"]);
    expect(nested.scrub("xabcdefghijkx")).toBe("x[REDACTED]x");
    expect(new SecretScrubber(["abab"]).scrub("abababx")).toBe("[REDACTED]x");
  });

  it("leaves text alone when there are no values, or values too short to scrub", () => {
    expect(new SecretScrubber([]).scrub("anything")).toBe("anything");
    expect(new SecretScrubber(["ab"]).scrub("abc ab")).toBe("abc ab");
  });

  it("scrubs inside JSON values, keys included", () => {
    expect(scrubber.scrubValue({ [secret]: [secret, { x: `hunter2!` }], n: 1 })).toEqual({ "[REDACTED]": ["[REDACTED]", { x: "[REDACTED]" }], n: 1 });
  });
});
