import { currentRunLog } from "./current-run.ts";

/** What `process.exit()` throws when a run's code calls it: the run fails, the worker goes on. */
export class WorkflowExitError extends Error {
  override name = "WorkflowExitError";
  constructor(readonly exitCode: unknown) {
    super(
      `process.exit(${exitCode === undefined ? "" : String(exitCode)}) was called by the workflow: a workflow cannot end the worker, which other runs share. Throw an error to fail the run, or return to end it`,
    );
  }
}

/**
 * Makes `process.exit()` in a run's code (current-run.ts) throw a WorkflowExitError instead of
 * ending the worker, and with it every run in flight. Outside runs it exits as always. Called once
 * by a process that runs workflows; returns the function that undoes it. Thrown in a run's timer
 * or event callback, where nothing can catch it, the error goes to the run's log instead
 * (stray-errors.ts).
 */
export function guardProcessExit(): () => void {
  const exit = process.exit;
  process.exit = function (code?: number | string | null) {
    if (currentRunLog()) throw new WorkflowExitError(code);
    return exit.call(process, code);
  } as typeof process.exit;
  return () => {
    process.exit = exit;
  };
}
