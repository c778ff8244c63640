import { currentRunLog, hasRunEnded } from "./current-run.ts";

type Refused = "process.exit" | "process.abort" | "process.kill";

/**
 * What a run's code gets, thrown, when it calls `process.exit()`, `process.abort()` or a
 * `process.kill()` aimed at the worker: the run fails, the worker goes on.
 */
export class WorkflowExitError extends Error {
  override name = "WorkflowExitError";
  /** The code given to `process.exit`, when that was the call. */
  readonly exitCode: unknown;

  /** @param args the call's arguments, as given (shown in the message: a signal quoted, a code as is) */
  constructor(
    readonly method: Refused,
    args: unknown[] = [],
  ) {
    const shown = args.filter((arg) => arg !== undefined).map((arg) => (typeof arg === "string" && method === "process.kill" ? JSON.stringify(arg) : String(arg)));
    super(`${method}(${shown.join(", ")}) was called by the workflow: a workflow cannot end the worker, which other runs share. Throw an error to fail the run, or return to end it`);
    this.exitCode = method === "process.exit" ? args[0] : undefined;
  }
}

/**
 * Makes `process.exit()`, `process.abort()` and a `process.kill()` of the worker itself (its pid;
 * 0 or minus its pid, a process group it is in; -1, every process it may signal) throw a
 * WorkflowExitError in a run's code (current-run.ts) instead of ending the worker, and with it every
 * run in flight. A run may still signal other processes (a child it started) and ask whether one
 * is alive (signal 0). Outside runs they work as always. Called once by a process that runs
 * workflows; returns the function that undoes it. Thrown in a run's timer or event callback, where
 * nothing can catch it, the error goes to the run's log instead (stray-errors.ts).
 *
 * `kill` is refused only while the run is going: a signal's listeners are called back in the
 * context of the run whose code first listened for it, and a library's handler that re-raises the
 * signal it caught (signal-exit's, under execa and others: `process.kill(process.pid, signal)`)
 * must end the worker as the signal would have. During that run it is refused like any other.
 */
export function guardProcessExit(): () => void {
  const { exit, abort, kill } = process;
  process.exit = function (code?: number | string | null) {
    if (currentRunLog()) throw new WorkflowExitError("process.exit", [code]);
    return exit.call(process, code);
  } as typeof process.exit;
  process.abort = function () {
    if (currentRunLog()) throw new WorkflowExitError("process.abort");
    return abort.call(process);
  } as typeof process.abort;
  process.kill = function (pid: number, signal?: string | number) {
    const log = currentRunLog();
    const target = Number(pid);
    const worker = target === process.pid || target === -process.pid || target === 0 || target === -1;
    if (log && !hasRunEnded(log) && signal !== 0 && worker) throw new WorkflowExitError("process.kill", [pid, signal]);
    return kill.call(process, pid, signal);
  } as typeof process.kill;
  return () => {
    Object.assign(process, { exit, abort, kill });
  };
}
