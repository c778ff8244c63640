import { Console } from "node:console";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionLogEntry, ExecutionLogger } from "../../sdk/execution-context.ts";
import { collectingLogger, RUN_LOG_LIMITS } from "../../sdk/execution-parts.ts";
import { withinRun } from "../../workers/current-run.ts";
import { captureConsole, endRunConsole } from "../../workers/run-console.ts";

// Console capture is a routing rule: inside a run, to the run's log; outside, to the console as before.

const saved = { log: console.log, error: console.error };
afterEach(() => Object.assign(console, saved));

/** A run's `ctx.log` that records [level, message] pairs. */
function runLog() {
  const lines: [string, string][] = [];
  const log: ExecutionLogger = {
    debug: (m) => lines.push(["debug", m]),
    info: (m) => lines.push(["info", m]),
    warn: (m) => lines.push(["warn", m]),
    error: (m) => lines.push(["error", m]),
  };
  return { log, lines };
}

describe("captureConsole", () => {
  it("sends console output of a run's code to its log, formatted as console would, and leaves the rest alone", async () => {
    const outside = vi.fn();
    console.log = outside;
    const { log, lines } = runLog();
    const restore = captureConsole();

    console.log("before %d", 1);
    await withinRun(log, async () => {
      console.log("count %d of %s", 2, "x");
      await new Promise((resolve) => setTimeout(resolve, 1)); // still the run's after an await
      console.error({ nested: true });
    });
    console.log("after");
    restore();

    expect(lines).toEqual([
      ["info", "count 2 of x"],
      ["error", "{ nested: true }"],
    ]);
    expect(outside.mock.calls).toEqual([["before %d", 1], ["after"]]);
    expect(console.log).toBe(outside);
  });

  it("sends what a run writes to process.stdout/stderr (console.dir, console.table, warnings, direct writes) to its log, a line an entry", async () => {
    const written: string[] = [];
    const saved = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((chunk: string) => written.push(`out:${chunk}`) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => written.push(`err:${chunk}`) > 0) as typeof process.stderr.write;
    const { log, lines } = runLog();
    const restore = captureConsole();
    try {
      process.stdout.write("outside\n");
      let calledBack = false;
      await withinRun(log, async () => {
        // vitest replaces the global console; a Console on the process streams behaves as Node's does.
        new Console(process.stdout, process.stderr).dir({ a: 1 });
        process.stdout.write(Buffer.from("bytes\n"));
        process.stdout.write("aGk=", "base64", () => (calledBack = true));
        process.stdout.write(" and a line written in pieces: to");
        process.stdout.write("ken\n");
        process.stderr.write("to stderr\n");
        process.emitWarning("careful");
        await new Promise((resolve) => setTimeout(resolve, 5));
        process.stdout.write("an unfinished last line");
      });
      endRunConsole(log);
      process.stderr.write("outside too\n");
      expect(calledBack).toBe(true);
    } finally {
      restore();
      Object.assign(process.stdout, { write: saved.out });
      Object.assign(process.stderr, { write: saved.err });
    }

    expect(lines).toEqual([
      ["info", "{ a: 1 }"],
      ["info", "bytes"],
      ["info", "hi and a line written in pieces: token"],
      ["error", "to stderr"],
      ["error", expect.stringContaining("Warning: careful")],
      ["info", "an unfinished last line"],
    ]);
    expect(written).toEqual(["out:outside\n", "err:outside too\n"]);
  });

  it("never cuts a line (a secret could be split); a line longer than a run's whole log is dropped whole, keeping memory bounded", async () => {
    const { log, lines } = runLog();
    const secret = "sk_live_0123456789abcdef";
    const long = "x".repeat(70_000);
    const restore = captureConsole();
    try {
      withinRun(log, () => {
        // A line over 64 KiB written in two pieces, the first ending in half a secret.
        process.stdout.write(`${long.slice(0, 65_530)}${secret.slice(0, 10)}`);
        process.stdout.write(`${secret.slice(10)}${long}\n`);
        // Longer than the run's whole log, in many pieces: never an entry, whatever it holds.
        for (let i = 0; i < 40; i++) process.stdout.write(`${"y".repeat(30_000)}${secret}`);
        process.stdout.write(" end\n");
        process.stdout.write("after\n");
      });
    } finally {
      restore();
    }
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual(["info", `${long.slice(0, 65_530)}${secret}${long}`]);
    // What the run's log is handed (and drops, by its length): never a piece of a line.
    expect(lines[1][1].length).toBeGreaterThan(RUN_LOG_LIMITS.characters);
    expect(lines[1][1].length).toBeLessThanOrEqual(RUN_LOG_LIMITS.characters + 1);
    expect(lines[2]).toEqual(["info", "after"]);
  });

  it("the run's log drops such a line whole and says so", async () => {
    const entries: ExecutionLogEntry[] = [];
    const restore = captureConsole();
    try {
      withinRun(collectingLogger(entries), () => {
        for (let i = 0; i < 40; i++) process.stdout.write("y".repeat(30_000));
        process.stdout.write("\n");
        process.stdout.write("next\n");
      });
    } finally {
      restore();
    }
    // As for any line past the log's limits: it and the lines after it are counted, not stored.
    expect(entries.map((e) => e.message)).toEqual([expect.stringMatching(/: 2 later lines were dropped$/)]);
  });
});
