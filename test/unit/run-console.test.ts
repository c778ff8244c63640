import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExecutionLogger } from "../../sdk/execution-context.ts";
import { captureConsole, withRunConsole } from "../../workers/run-console.ts";

// Console capture is a routing rule: inside a run, to the run's log; outside, to the console as before.

const saved = { log: console.log, error: console.error };
afterEach(() => Object.assign(console, saved));

describe("captureConsole", () => {
  it("sends console output of a run's code to its log, formatted as console would, and leaves the rest alone", async () => {
    const outside = vi.fn();
    console.log = outside;
    const lines: [string, string][] = [];
    const log: ExecutionLogger = {
      debug: (m) => lines.push(["debug", m]),
      info: (m) => lines.push(["info", m]),
      warn: (m) => lines.push(["warn", m]),
      error: (m) => lines.push(["error", m]),
    };
    const restore = captureConsole();

    console.log("before %d", 1);
    await withRunConsole(log, async () => {
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
});
