import { afterEach, describe, expect, it, vi } from "vitest";
import { currentRunLog, endRun, withinRun } from "../../workers/current-run.ts";
import { guardProcessExit, WorkflowExitError } from "../../workers/exit-guard.ts";

const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const { exit: realExit, abort: realAbort, kill: realKill, emit: realEmit } = process;
afterEach(() => {
  Object.assign(process, { exit: realExit, abort: realAbort, kill: realKill, emit: realEmit });
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

  it("makes process.abort() and process.kill() of the worker, its group or every process throw in a run's code while it is going; other targets, signal 0 and other times pass", () => {
    // Stand-ins for the real ones, which would end the test runner.
    const abort = vi.fn() as unknown as typeof process.abort;
    const kill = vi.fn(() => true) as unknown as typeof process.kill;
    const exit = vi.fn() as unknown as typeof process.exit;
    Object.assign(process, { abort, kill, exit });
    const restore = guardProcessExit();

    expect(() => withinRun(log, () => process.abort())).toThrow("process.abort() was called by the workflow");
    for (const pid of [process.pid, String(process.pid), -process.pid, 0, -1]) {
      expect(() => withinRun(log, () => process.kill(pid as number, "SIGKILL")), String(pid)).toThrow(`process.kill(${JSON.stringify(pid)}, "SIGKILL") was called by the workflow`);
    }
    expect(() => withinRun(log, () => process.kill(process.pid))).toThrow(new WorkflowExitError("process.kill", [process.pid]));
    expect(() => withinRun(log, () => process.kill(process.pid, 9))).toThrow(`process.kill(${process.pid}, 9) was called`);
    // Another process (a child the run started), and signal 0 (is it alive?), are the run's to send.
    withinRun(log, () => process.kill(process.pid + 1, "SIGTERM"));
    withinRun(log, () => process.kill(process.pid, 0));
    expect(kill).toHaveBeenCalledTimes(2);
    expect(abort).not.toHaveBeenCalled();
    // Its code left running after its end (a timer, past a timeout) is refused as well.
    const ended = { ...log };
    endRun(ended);
    expect(() => withinRun(ended, () => process.kill(-1, "SIGKILL"))).toThrow(WorkflowExitError);
    expect(() => withinRun(ended, () => process.exit(1))).toThrow(WorkflowExitError);
    expect(exit).not.toHaveBeenCalled();

    process.abort();
    process.kill(process.pid, "SIGTERM");
    expect(abort).toHaveBeenCalledTimes(1);
    expect(kill).toHaveBeenCalledTimes(3);
    expect(kill).toHaveBeenLastCalledWith(process.pid, "SIGTERM");
    restore();
    expect(process.kill).toBe(kill);
    expect(process.abort).toBe(abort);
  });

  it("signals the pid it checked: a pid whose value changes between two reads cannot slip the worker's past the check", () => {
    const kill = vi.fn(() => true) as unknown as typeof process.kill;
    Object.assign(process, { kill });
    const restore = guardProcessExit();
    try {
      let reads = 0;
      const shifty = { valueOf: () => (reads++ === 0 ? process.pid + 1 : process.pid) };
      withinRun(log, () => process.kill(shifty as unknown as number, "SIGKILL"));
      expect(kill).toHaveBeenLastCalledWith(process.pid + 1, "SIGKILL");
      // No pid to Node (null would be 0 as a number): passed on as given, so Node's own kill refuses it.
      for (const pid of ["not a pid", null, 10n]) {
        withinRun(log, () => process.kill(pid as unknown as number));
        expect(kill).toHaveBeenLastCalledWith(pid, undefined);
      }
    } finally {
      restore();
    }
  });

  it("calls signal listeners outside any run, though a run added the first: a handler re-raising its signal is not refused", async () => {
    const kill = vi.fn(() => true) as unknown as typeof process.kill;
    Object.assign(process, { kill });
    const restore = guardProcessExit();
    expect(process.listenerCount("SIGUSR2")).toBe(0); // so the run's listener makes the signal's handle
    const heard = new Promise<{ run: unknown; refused: boolean }>((resolve) => {
      withinRun(log, () =>
        process.once("SIGUSR2", () => {
          let refused = false;
          try {
            process.kill(process.pid, "SIGUSR2"); // as signal-exit re-raises what it caught
          } catch {
            refused = true;
          }
          resolve({ run: currentRunLog(), refused });
        }),
      );
    });
    realKill.call(process, process.pid, "SIGUSR2");
    expect(await heard).toEqual({ run: undefined, refused: false });
    expect(kill).toHaveBeenCalledWith(process.pid, "SIGUSR2");
    restore();
    expect(process.emit).toBe(realEmit);
  });
});
