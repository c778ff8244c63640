import { format } from "node:util";
import type { ExecutionLogger } from "../sdk/execution-context.ts";
import { RUN_LOG_LIMITS } from "../sdk/execution-parts.ts";
import { currentRunLog } from "./current-run.ts";

const LEVELS = { log: "info", info: "info", debug: "debug", trace: "debug", warn: "warn", error: "error" } as const;
const STREAMS = [
  ["stdout", "info"],
  ["stderr", "error"],
] as const;

type Write = NodeJS.WriteStream["write"];

/**
 * What a run wrote to a stream since its last newline. A line written in pieces (a library that
 * streams its output, `write("tok")` then `write("en\n")`) becomes one entry, so a secret split
 * across writes is still whole when the log is scrubbed. A line is logged when it ends, so a
 * `console.log` made while a line was unfinished comes first.
 *
 * A line is never cut: a cut could split a secret, and neither half would be recognised. A line
 * longer than a run's whole log (RUN_LOG_LIMITS) could never be stored, so the run's log drops it
 * whole, as it drops any line past its limits; of such a line only its first PARTIAL_LIMIT + 1
 * characters are kept until it ends (enough to be refused), which bounds memory.
 */
const partialLines = new WeakMap<ExecutionLogger, { stdout?: string; stderr?: string }>();
const PARTIAL_LIMIT = RUN_LOG_LIMITS.characters;

/**
 * Makes console output that a run's code writes (current-run.ts) go to that run's log (`ctx.log`:
 * scrubbed of secrets and stored with the execution) instead of the worker's stdout and stderr,
 * where a secret would have been printed as it is. `console.log` and friends keep their level;
 * everything else written to `process.stdout`/`stderr` in a run (`console.dir`, `console.table`,
 * `process.stdout.write`, Node's warnings from `process.emitWarning`) is one entry a line (what
 * one write ending in a newline, or several in a row, printed), at info (stdout) or error
 * (stderr); a run's last unfinished line goes to its log when the run ends (endRunConsole). Outside runs nothing changes: our own logs (pino) write to the
 * file descriptor, not through these streams. Called once by a process that runs workflows;
 * returns the function that undoes it.
 */
export function captureConsole(): () => void {
  const undo: (() => void)[] = [];
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, keyof ExecutionLogger][]) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const log = currentRunLog();
      if (log) log[level](format(...args));
      else original.apply(console, args);
    };
    undo.push(() => (console[method] = original));
  }
  for (const [name, level] of STREAMS) {
    const stream = process[name];
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      const log = currentRunLog();
      if (!log) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      let pending = partialLines.get(log);
      if (!pending) partialLines.set(log, (pending = {}));
      const before = pending[name] ?? "";
      const piece = textOf(chunk, typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : undefined);
      const lineEnds = piece.endsWith("\n");
      // Past the limit, the line's later pieces change nothing but where it ends.
      const overflowing = before.length > PARTIAL_LIMIT;
      const text = overflowing ? before : before + piece;
      if (lineEnds) {
        delete pending[name];
        const message = overflowing ? text : text.slice(0, -1);
        if (message !== "") log[level](message);
      } else {
        pending[name] = text.length > PARTIAL_LIMIT + 1 ? text.slice(0, PARTIAL_LIMIT + 1) : text;
      }
      // A caller may wait for its write's callback (write(chunk, cb) or write(chunk, encoding, cb)).
      const done = rest.find((arg) => typeof arg === "function") as ((error?: Error | null) => void) | undefined;
      if (done) process.nextTick(done, null);
      return true;
    } as Write;
    undo.push(() => (stream.write = original));
  }
  return () => {
    for (const step of undo) step();
  };
}

/** Ends the run whose log is `log` for captureConsole: what it left of a line on stdout or stderr becomes an entry. */
export function endRunConsole(log: ExecutionLogger): void {
  const pending = partialLines.get(log);
  if (!pending) return;
  partialLines.delete(log);
  for (const [name, level] of STREAMS) if (pending[name]) log[level](pending[name]);
}

/** What a write of `chunk` prints: a string is in `encoding` (write's own default: UTF-8). */
function textOf(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): string {
  if (typeof chunk !== "string") return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  if (!encoding || !Buffer.isEncoding(encoding) || /^utf-?8$/i.test(encoding)) return chunk;
  return Buffer.from(chunk, encoding).toString("utf8");
}
