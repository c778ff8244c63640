import { AsyncLocalStorage } from "node:async_hooks";
import type { ExecutionLogger } from "../../../sdk/execution-context.ts";

/**
 * Which run's code is executing: AsyncLocalStorage follows a workflow method into every promise,
 * timer and callback it creates, so in a thread that holds several runs, what that code prints
 * (run-console.ts) and what it leaves unhandled (thread-errors.ts) can be told from the platform's
 * own code and kept to its run.
 */
const runs = new AsyncLocalStorage<ExecutionLogger>();
/** Runs whose log is stored (endRun): their code may still be going (a timer, a promise not awaited). */
const ended = new WeakSet<ExecutionLogger>();

/** Runs `fn` (a workflow method) as code of the run whose log is `log`. */
export function withinRun<T>(log: ExecutionLogger, fn: () => T): T {
  return runs.run(log, fn);
}

/** The log of the run whose code is executing now, or undefined in the platform's own code. */
export function currentRunLog(): ExecutionLogger | undefined {
  return runs.getStore();
}

/** Runs `fn` as the platform's own code, even when called back from a run's code. */
export function outsideRuns<T>(fn: () => T): T {
  return runs.exit(fn);
}

/** The run whose log is `log` has ended: what its code logs from now on reaches no stored log. */
export function endRun(log: ExecutionLogger): void {
  ended.add(log);
}

export function hasRunEnded(log: ExecutionLogger): boolean {
  return ended.has(log);
}
