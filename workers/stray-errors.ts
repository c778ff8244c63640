import type { Logger } from "../src/logging/logger.ts";

/**
 * What a process that runs workflows does with an error nothing handled: a workflow's promise
 * that nobody awaited, or a throw in one of its timer callbacks. Node's default would print the
 * error, message and all (a secret the workflow read may be in it, and nothing scrubs it there),
 * and end the process, and with it every run in flight, for one workflow's slip.
 *
 * - An unhandled rejection is logged without its message, by its name and stack frames, and the
 *   process goes on: a rejected promise leaves nothing half-done behind it.
 * - An uncaught exception is logged the same way, then the process exits with 1, as Node would:
 *   the code that threw stopped part-way, and nothing tells what it left behind. Its runs in
 *   flight are retried or failed like those of any worker that stops (see ExecutionWorker).
 */
export function handleStrayErrors(logger: Logger): void {
  process.on("unhandledRejection", (reason) => {
    logger.error({ error: describe(reason) }, "a promise was rejected and nothing handled it (workflow code that did not await a promise?); the worker goes on. Its message is not logged: it may hold a secret");
  });
  process.on("uncaughtException", (error) => {
    logger.fatal({ error: describe(error) }, "an exception was thrown and nothing caught it (in a workflow's timer or event callback?): the worker stops, as its state is unknown. Its message is not logged: it may hold a secret");
    logger.flush(() => process.exit(1));
    setTimeout(() => process.exit(1), 2_000).unref();
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
