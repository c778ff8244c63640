import { format } from "node:util";
import type { FromThread } from "../thread-protocol.ts";
import { currentRunLog, hasRunEnded } from "./current-run.ts";
import { errorText } from "./error-text.ts";

/**
 * What a workflow thread does with an error nothing handled. Whose it is decides (current-run.ts:
 * a promise or callback belongs to the run whose code created it):
 *
 * - A rejection nothing handled in a run's code (a promise it did not await): the run's log gets it
 *   (the worker scrubs it), and the thread goes on: a rejected promise leaves nothing half-done.
 *   After the run's end, the worker's log says so, without the message: nothing can scrub it now.
 * - An uncaught exception (a throw in a timer or event callback), or a rejection from the thread's
 *   own code: the thread says whose it was and ends, as its state is unknown; the worker fails the
 *   runs it held and starts another thread. `process.exit()` in a run's code ends the thread too,
 *   and is reported the same way.
 *
 * @param runOf the run a log belongs to
 */
export function handleThreadErrors(
  post: (message: FromThread) => void,
  runOf: (log: object) => { runId: string; executionId: string; workflow: string } | undefined,
): void {
  let ending = false;
  const runId = () => {
    const log = currentRunLog();
    return (log && runOf(log)?.runId) ?? null;
  };
  process.on("unhandledRejection", (reason) => {
    const log = currentRunLog();
    if (log && !hasRunEnded(log)) {
      log.error(`A promise was rejected and nothing handled it (not awaited?): ${format(reason)}`);
      return;
    }
    const run = log && runOf(log);
    if (run) {
      post({ kind: "stray-after-end", executionId: run.executionId, workflow: run.workflow });
      return;
    }
    throw reason; // the thread's own code: ends it, as an uncaught exception
  });
  process.on("uncaughtException", (error) => {
    ending = true;
    post({ kind: "ending", runId: runId(), cause: "uncaught", error: errorText(error) });
    process.exit(1);
  });
  // An exit nobody asked for is the event loop running dry while a file's top-level await is
  // pending (the thread's port listens only once the files loaded).
  let exitCalled = false;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    exitCalled = true;
    return exit(code);
  }) as typeof process.exit;
  process.on("exit", (code) => {
    if (!ending) post({ kind: "ending", runId: runId(), cause: exitCalled ? "exit" : "drained", code });
  });
}
