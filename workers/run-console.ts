import { format } from "node:util";
import type { ExecutionLogger } from "../sdk/execution-context.ts";
import { currentRunLog } from "./current-run.ts";

const LEVELS = { log: "info", info: "info", debug: "debug", trace: "debug", warn: "warn", error: "error" } as const;
const STREAMS = [
  ["stdout", "info"],
  ["stderr", "error"],
] as const;

type Write = NodeJS.WriteStream["write"];

/**
 * Makes console output that a run's code writes (current-run.ts) go to that run's log (`ctx.log`:
 * scrubbed of secrets and stored with the execution) instead of the worker's stdout and stderr,
 * where a secret would have been printed as it is. `console.log` and friends keep their level;
 * everything else written to `process.stdout`/`stderr` in a run (`console.dir`, `console.table`,
 * `process.stdout.write`, Node's warnings from `process.emitWarning`) is one entry a write, at
 * info (stdout) or error (stderr). Outside runs nothing changes: our own logs (pino) write to the
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
      const text = textOf(chunk, typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : undefined);
      const message = text.endsWith("\n") ? text.slice(0, -1) : text;
      if (message !== "") log[level](message);
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

/** What a write of `chunk` prints: a string is in `encoding` (write's own default: UTF-8). */
function textOf(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): string {
  if (typeof chunk !== "string") return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  if (!encoding || !Buffer.isEncoding(encoding) || /^utf-?8$/i.test(encoding)) return chunk;
  return Buffer.from(chunk, encoding).toString("utf8");
}
