import { currentRunLog, outsideRuns } from "./current-run.ts";

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
 * Signal listeners run outside any run: Node calls them back in the context where the first
 * listener for the signal was added, which may be a run's, and a library's handler that re-raises
 * the signal it caught (signal-exit's, under execa and others: `process.kill(process.pid,
 * signal)`) must end the worker as the signal would have.
 */
export function guardProcessExit(): () => void {
  const { exit, abort, kill, emit } = process;
  // Node binds process.emit to a signal's handle when it makes one (the first listener), so this
  // reaches every signal listened for from now on.
  const emitAny = emit as (this: NodeJS.Process, event: string | symbol, ...args: unknown[]) => boolean;
  process.emit = function (this: NodeJS.Process, event: string | symbol, ...args: unknown[]) {
    if (typeof event === "string" && event.startsWith("SIG")) return outsideRuns(() => emitAny.call(this, event, ...args));
    return emitAny.call(this, event, ...args);
  } as typeof process.emit;
  process.exit = function (code?: number | string | null) {
    if (currentRunLog()) throw new WorkflowExitError("process.exit", [code]);
    return exit.call(process, code);
  } as typeof process.exit;
  process.abort = function () {
    if (currentRunLog()) throw new WorkflowExitError("process.abort");
    return abort.call(process);
  } as typeof process.abort;
  process.kill = function (pid: number, signal?: string | number) {
    // Read once and passed on as read: the pid checked is the pid signalled (an object's valueOf
    // may answer otherwise the second time). What Node refuses as a pid (null, a BigInt, text that
    // is no number) goes on as given, for Node's own error: Number(null) would be 0, the group.
    const target = pid === null || typeof pid === "bigint" ? Number.NaN : Number(pid);
    const worker = target === process.pid || target === -process.pid || target === 0 || target === -1;
    if (currentRunLog() && signal !== 0 && worker) throw new WorkflowExitError("process.kill", [pid, signal]);
    return kill.call(process, Number.isNaN(target) ? pid : target, signal);
  } as typeof process.kill;
  return () => {
    Object.assign(process, { exit, abort, kill, emit });
  };
}
