import { afterEach, describe, expect, it, vi } from "vitest";
import { withinRun } from "../../workers/current-run.ts";
import { guardProcessExit, WorkflowExitError } from "../../workers/exit-guard.ts";

const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const realExit = process.exit;
afterEach(() => {
  process.exit = realExit;
});

describe("guardProcessExit", () => {
  it("makes process.exit() throw in a run's code, its callbacks included, and exit as always elsewhere", async () => {
    const exit = vi.fn() as unknown as typeof process.exit;
    process.exit = exit; // stands for the real one, which would end the test runner
    const restore = guardProcessExit();

    expect(() => withinRun(log, () => process.exit(3))).toThrow(WorkflowExitError);
    expect(() => withinRun(log, () => process.exit())).toThrow(
      "process.exit() was called by the workflow: a workflow cannot end the worker, which other runs share. Throw an error to fail the run, or return to end it",
    );
    const later = withinRun(log, () => new Promise((resolve, reject) => setTimeout(() => {
      try {
        process.exit(2);
        resolve("exited");
      } catch (error) {
        reject(error);
      }
    }, 1)));
    await expect(later).rejects.toMatchObject({ name: "WorkflowExitError", exitCode: 2 });
    expect(exit).not.toHaveBeenCalled();

    process.exit(4);
    expect(exit).toHaveBeenCalledWith(4);
    restore();
    expect(process.exit).toBe(exit);
  });
});
