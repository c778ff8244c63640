import { Console } from "node:console";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionLogger } from "../../sdk/execution-context.ts";
import { withinRun } from "../../workers/current-run.ts";
import { captureConsole } from "../../workers/run-console.ts";

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

  it("sends what a run writes to process.stdout/stderr (console.dir, console.table, warnings, direct writes) to its log, a write an entry", async () => {
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
        process.stderr.write("to stderr\n");
        process.emitWarning("careful");
        await new Promise((resolve) => setTimeout(resolve, 5));
      });
      process.stderr.write("outside too\n");
      expect(calledBack).toBe(true);
    } finally {
      restore();
      Object.assign(process.stdout, { write: saved.out });
      Object.assign(process.stderr, { write: saved.err });
    }

    expect(lines.slice(0, 4)).toEqual([
      ["info", "{ a: 1 }"],
      ["info", "bytes"],
      ["info", "hi"],
      ["error", "to stderr"],
    ]);
    expect(lines[4]).toEqual(["error", expect.stringContaining("Warning: careful")]);
    expect(written).toEqual(["out:outside\n", "err:outside too\n"]);
  });
});
