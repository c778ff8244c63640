import { format } from "node:util";
import type { Logger } from "../src/logging/logger.ts";
import { currentRunLog, hasRunEnded, outsideRuns } from "./current-run.ts";
import { WorkflowExitError } from "./exit-guard.ts";

/**
 * What a process that runs workflows does with an error nothing handled. Node's default would
 * print the error, message and all (a secret the workflow read may be in it, and nothing scrubs it
 * there), and end the process, and with it every run in flight. Whose error it is decides
 * (current-run.ts: a promise or callback belongs to the run whose code created it):
 *
 * - A rejection nothing handled, from a run's code (a promise it did not await): the run's log
 *   gets it whole, as its other lines, scrubbed (if the run is still going; after its end, nothing
 *   can scrub it, so only the worker's log has it, as below); the worker's log gets its name and
 *   stack frames, never its message; the worker goes on: a rejected promise leaves nothing
 *   half-done behind it.
 * - From the platform's own code, it is a bug of ours: logged the same way, then the process exits
 *   with 1, as Node would, for its supervisor to start a sound one; a worker that goes on after a
 *   failure it did not expect may go on taking jobs it never finishes.
 * - An uncaught exception (a throw in a timer or event callback), from anyone's code: logged the
 *   same way, then the process exits with 1, as Node would: the code that threw stopped part-way,
 *   and nothing tells what it left behind. Its runs in flight are retried or failed like those of
 *   any worker that stops (see ExecutionWorker). Except the WorkflowExitError of a run's callback
 *   that called `process.exit()` (or `abort()`, or `kill()` of the worker): that code meant to
 *   stop there; the run's log gets it, and the worker goes on.
 *
 * Platform code a run calls (its `config` reads, a connection it opened) runs in the run's context
 * too, so its stray rejections count as the run's: logged, and the worker goes on.
 */
export function handleStrayErrors(logger: Logger): void {
  // Called back in the async context of the code that failed: ending the process is the platform's
  // own act (exit-guard.ts refuses process.exit() to a run's code).
  const stop = () =>
    outsideRuns(() => {
      logger.flush(() => process.exit(1));
      setTimeout(() => process.exit(1), 2_000).unref();
    });
  process.on("unhandledRejection", (reason) => {
    const runLog = currentRunLog();
    if (runLog && !hasRunEnded(runLog)) {
      runLog.error(`A promise was rejected and nothing handled it (not awaited?): ${format(reason)}`);
      logger.error({ error: describe(reason) }, "a promise of a workflow's was rejected and nothing handled it (not awaited?); the worker goes on. Its message is not logged here, as it may hold a secret: the run's log has it, scrubbed");
      return;
    }
    if (runLog) {
      logger.error({ error: describe(reason) }, "a promise of a workflow's was rejected after its run ended, and nothing handled it (not awaited?); the worker goes on. Its message is not logged, as it may hold a secret, and the run's log is already stored");
      return;
    }
    logger.fatal({ error: describe(reason) }, "a promise of the platform's own was rejected and nothing handled it (a bug): the worker stops, as its state is unknown. Its message is not logged: it may hold a secret");
    stop();
  });
  process.on("uncaughtException", (error) => {
    const runLog = currentRunLog();
    if (runLog && error instanceof WorkflowExitError) {
      const ended = hasRunEnded(runLog);
      if (!ended) runLog.error(`${error.name}: ${error.message}`);
      logger.warn({ error: describe(error) }, `a workflow called ${error.method}() in a callback${ended ? " after its run ended" : ""}: refused, the worker goes on`);
      return;
    }
    logger.fatal({ error: describe(error) }, "an exception was thrown and nothing caught it (in a workflow's timer or event callback?): the worker stops, as its state is unknown. Its message is not logged: it may hold a secret");
    stop();
  });
}

/** An error's name and where it was thrown, never its message. */
function describe(error: unknown): { name: string; at?: string[] } {
  if (!(error instanceof Error)) return { name: typeof error };
  // V8's stack starts with "name: message", and a message may span lines that look like frames:
  // the frames are what follows that header exactly (none when a stack was rewritten).
  const stack = error.stack ?? "";
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  const frames = stack.startsWith(header) ? stack.slice(header.length) : "";
  const at = frames
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .map((line) => line.trim())
    .slice(0, 10);
  return { name: error.name, at };
}
