import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A worker's stray errors are told apart by whose code left them (current-run.ts); this runs the
// real handlers in a process of their own, since the platform's case ends it.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCRIPT = "./test/fixtures/stray-errors-process.ts";

function runScript(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const loader = `import { register } from "node:module"; import { pathToFileURL } from "node:url"; register("@swc-node/register/esm", pathToFileURL("./")); await import(${JSON.stringify(SCRIPT)});`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", loader], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("handleStrayErrors", () => {
  it("gives a run's unhandled rejection, and its process.exit() from a timer, to its log and goes on (after the run's end, to the worker's log alone); ends the process on a rejection of the platform's; never logs a message", async () => {
    const secret = `stray-${randomBytes(8).toString("hex")}`;
    const { code, stdout, stderr } = await runScript({ STRAY_SECRET: secret });

    expect(code).toBe(1);
    const [first, ...rest] = stdout.trim().split("\n");
    expect(rest).toEqual([]); // "still going" never printed
    // The run's log has the whole error (the runner scrubs it with the run's other lines).
    expect(JSON.parse(first!).endedLines).toEqual([]);
    expect(JSON.parse(first!).runLines).toEqual([
      expect.stringMatching(new RegExp(`^A promise was rejected and nothing handled it \\(not awaited\\?\\): Error: the run's rejection ${secret}\\n\\s+at `)),
      expect.stringMatching(/^WorkflowExitError: process\.exit\(0\) was called by the workflow/),
    ]);

    const logged = stderr.trim().split("\n").map((line) => JSON.parse(line));
    expect(logged.map((l) => [l.level, l.msg.split(" (")[0], l.error.name])).toEqual([
      [50, "a promise of a workflow's was rejected and nothing handled it", "Error"],
      [40, "a workflow called process.exit() in a callback: refused, the worker goes on", "WorkflowExitError"],
      [50, "a promise of a workflow's was rejected after its run ended, and nothing handled it", "Error"],
      [60, "a promise of the platform's own was rejected and nothing handled it", "Error"],
    ]);
    expect(logged[0].error.at[0]).toMatch(/stray-errors-process\.ts/);
    expect(stderr).not.toContain(secret);
  });
});
