import { describe, expect, it } from "vitest";
import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import { collectingLogger, RUN_LOG_LIMITS, storedResult } from "../../sdk/execution-parts.ts";
import { ResultTooLargeError } from "../../src/errors/index.ts";
import { MAX_RESULT_DEPTH } from "../../src/storage/storable-json.ts";

const messages = (entries: ExecutionLogEntry[]) => entries.map((e) => [e.level, e.message]);

describe("collectingLogger", () => {
  it("keeps every line under the limits, in order, with its level", () => {
    const entries: ExecutionLogEntry[] = [];
    const log = collectingLogger(entries);
    log.info("one");
    log.warn("two");
    log.error("three");
    log.debug(42 as unknown as string);
    expect(messages(entries)).toEqual([
      ["info", "one"],
      ["warn", "two"],
      ["error", "three"],
      ["debug", "42"],
    ]);
  });

  it("past the line limit, drops later lines whole and says how many in one last entry", () => {
    const entries: ExecutionLogEntry[] = [];
    const log = collectingLogger(entries, { lines: 4, characters: 1_000 });
    for (let i = 1; i <= 10; i++) log.info(`line ${i}`);
    expect(entries).toHaveLength(4);
    expect(messages(entries)).toEqual([
      ["info", "line 1"],
      ["info", "line 2"],
      ["info", "line 3"],
      ["warn", "The log reached its limit (4 lines or 1,000 characters a run): 7 later lines were dropped"],
    ]);
  });

  it("past the character limit, drops the line that does not fit whole (never cut) and every line after it", () => {
    const entries: ExecutionLogEntry[] = [];
    const log = collectingLogger(entries, { lines: 100, characters: 10 });
    log.info("12345");
    log.info("secret-value"); // would cross the limit: a cut could keep half a secret, so it goes whole
    log.info("ok"); // fits, but comes after a dropped line: kept order matters more than filling up
    expect(messages(entries)).toEqual([
      ["info", "12345"],
      ["warn", "The log reached its limit (100 lines or 10 characters a run): 2 later lines were dropped"],
    ]);
    expect(entries.some((e) => e.message.includes("secret"))).toBe(false);
  });

  it("holds a run to RUN_LOG_LIMITS by default", () => {
    const entries: ExecutionLogEntry[] = [];
    const log = collectingLogger(entries);
    const line = "x".repeat(100);
    for (let i = 0; i < RUN_LOG_LIMITS.lines * 2; i++) log.info(line);
    const stored = entries.reduce((n, e) => n + e.message.length, 0);
    expect(entries.length).toBeLessThanOrEqual(RUN_LOG_LIMITS.lines);
    expect(stored).toBeLessThanOrEqual(RUN_LOG_LIMITS.characters + 200);
    expect(entries.at(-1)).toMatchObject({
      level: "warn",
      message: expect.stringMatching(/later lines were dropped$/),
    });
  });
});

describe("storedResult", () => {
  it("stores what JSON holds: undefined as null, dates as strings, functions dropped", () => {
    expect(storedResult("w", undefined)).toBe("null");
    expect(JSON.parse(storedResult("w", { n: 1, at: new Date(0), f: () => 1, list: [undefined] }))).toEqual({
      n: 1,
      at: "1970-01-01T00:00:00.000Z",
      list: [null],
    });
  });

  it("refuses a result over the limit, saying how large it was and what the limit is", () => {
    expect(storedResult("w", "x".repeat(8), 10)).toBe('"xxxxxxxx"'); // 10 characters with the quotes
    const error = (() => {
      try {
        storedResult("w", "x".repeat(9), 10);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect(error).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      characters: 11,
      limit: 10,
      message: expect.stringContaining("11 characters of JSON; a run may return at most 10"),
    });
  });

  it("throws what JSON.stringify throws for what JSON cannot hold", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => storedResult("w", circular)).toThrow(TypeError);
    expect(() => storedResult("w", 1n)).toThrow(TypeError);
  });

  it("refuses a result nested too deep to store or walk back, or holding a lone surrogate, saying where", () => {
    const nest = (depth: number) => {
      let value: unknown = "leaf";
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    expect(storedResult("w", nest(MAX_RESULT_DEPTH))).toHaveLength(2 * MAX_RESULT_DEPTH + 6);
    // Deep enough for JSON.stringify to pass and a recursive scrub to overflow; and too deep for JSON.stringify.
    for (const depth of [5_000, 20_000]) {
      expect(() => storedResult("w", nest(depth))).toThrow(
        expect.objectContaining({
          code: "RESULT_INVALID",
          message: expect.stringContaining(`nested deeper than ${MAX_RESULT_DEPTH} levels`),
        }),
      );
    }
    expect(() => storedResult("w", { list: ["ok", "lone \ud800"] })).toThrow(
      expect.objectContaining({
        code: "RESULT_INVALID",
        message: expect.stringMatching(
          /^Workflow "w" returned a result the platform cannot store: result\.list\[1\]: not valid Unicode/,
        ),
      }),
    );
  });
});
