import buffer from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import { formatWithOptions, inspect } from "node:util";
import type { ExecutionLogger } from "../../../sdk/execution-context.ts";
import { INSPECT_IN_ONE_PIECE } from "../../secrets/secret-forms.ts";
import { currentRunLog, hasRunEnded } from "./current-run.ts";

const LEVELS = { log: "info", info: "info", debug: "debug", trace: "debug", warn: "warn", error: "error" } as const;
const STREAMS = [
  ["stdout", "info"],
  ["stderr", "error"],
] as const;
type StreamName = (typeof STREAMS)[number][0];

type Write = NodeJS.WriteStream["write"];

/**
 * What a run wrote to a stream since its last newline. A line written in pieces (a library that
 * streams its output, `write("tok")` then `write("en\n")`) becomes one entry, so a secret split
 * across writes is still whole when the log is scrubbed; bytes are decoded across writes too, so a
 * character split between two writes stays one character. A line is logged when it ends, so a
 * `console.log` made while a line was unfinished comes first.
 *
 * A line is never cut: a cut could split a secret, and neither half would be recognised. An
 * unfinished line is held up to PARTIAL_LIMIT characters (memory is bounded); one that grows past
 * that is dropped whole, and a note in its place says so. The lines a write finishes go at once,
 * however the writes fall (a child process's output piped through, say).
 */
interface PartialLine {
  decoder: StringDecoder;
  text: string;
  /** Characters of a line that outgrew PARTIAL_LIMIT: no longer held, only counted. */
  dropped: number;
}
const partialLines = new WeakMap<ExecutionLogger, Partial<Record<StreamName, PartialLine>>>();
const PARTIAL_LIMIT = 262_144;

/**
 * Makes console output that a run's code writes (current-run.ts) go to that run's log (`ctx.log`:
 * scrubbed of secrets by the worker and stored with the execution) instead of the thread's stdout
 * and stderr, which the worker's would print, a secret as it is. `console.log` and friends keep their level;
 * everything else written to `process.stdout`/`stderr` in a run (`console.dir`, `console.table`,
 * `process.stdout.write`, Node's warnings from `process.emitWarning`) goes by lines: the lines a
 * write finishes are one entry (a `console.table` stays together), at info (stdout) or error
 * (stderr); a run's last unfinished line goes to its log when the run ends (endRunConsole). What
 * its code prints after that (a timer it left) reaches no log: the run's is stored. Outside runs
 * (a workflow file's top-level code as it loads) nothing changes. Called once by each workflow
 * thread (the threads are the platform's own, so their globals are too); returns the function that
 * undoes it.
 */
export function captureConsole(): () => void {
  const undo: (() => void)[] = [];
  // Strings in objects whole and in one piece, as the scrubber's inspect form of a secret is (a
  // run's log has limits of its own, RUN_LOG_LIMITS, past which lines are dropped whole). Set as
  // inspect's defaults for console.dir, console.table and util.inspect in a run's code; console.log
  // and friends pass the options themselves, so a run that changes the defaults cannot undo it for the next.
  const { maxStringLength, breakLength, maxArrayLength } = inspect.defaultOptions;
  Object.assign(inspect.defaultOptions, INSPECT_IN_ONE_PIECE);
  undo.push(() => Object.assign(inspect.defaultOptions, { maxStringLength, breakLength, maxArrayLength }));
  // A Buffer shows its first 50 bytes by default (a secret in it would show cut): all of them.
  const maxBytes = buffer.INSPECT_MAX_BYTES;
  buffer.INSPECT_MAX_BYTES = Infinity;
  undo.push(() => (buffer.INSPECT_MAX_BYTES = maxBytes));
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, keyof ExecutionLogger][]) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const log = currentRunLog();
      if (!log) original.apply(console, args);
      else if (!hasRunEnded(log)) log[level](formatWithOptions(INSPECT_IN_ONE_PIECE, ...args));
    };
    undo.push(() => (console[method] = original));
  }
  for (const [name, level] of STREAMS) {
    const stream = process[name];
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      const log = currentRunLog();
      if (!log) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      const encoding = typeof rest[0] === "string" ? rest[0] : undefined;
      // As the stream itself would (before calling back): a run's code behaves as it does outside a run.
      if (encoding && encoding !== "buffer" && !Buffer.isEncoding(encoding)) {
        throw Object.assign(new TypeError(`Unknown encoding: ${encoding}`), { code: "ERR_UNKNOWN_ENCODING" });
      }
      // A caller may wait for its write's callback (write(chunk, cb) or write(chunk, encoding, cb)).
      const done = rest.find((arg) => typeof arg === "function") as ((error?: Error | null) => void) | undefined;
      if (done) process.nextTick(done, null);
      if (hasRunEnded(log)) return true;
      let lines = partialLines.get(log);
      if (!lines) partialLines.set(log, (lines = {}));
      const line = (lines[name] ??= { decoder: new StringDecoder("utf8"), text: "", dropped: 0 });
      let text = decoded(line.decoder, chunk, encoding as BufferEncoding | undefined);
      if (line.dropped > 0) {
        // The line being dropped ends at the first newline; what follows is text as any other.
        const end = text.indexOf("\n");
        if (end === -1) {
          line.dropped += text.length;
          text = "";
        } else {
          log.warn(droppedNote(name, line.dropped + end));
          line.dropped = 0;
          text = text.slice(end + 1);
        }
      }
      // Every line finished so far goes as one entry (several, written at once, stay together);
      // only the unfinished rest is held. The held text has no newline: only the new text is
      // searched (a line written in many small pieces would otherwise be rescanned at every one).
      const end = text.lastIndexOf("\n");
      if (end === -1) {
        text = line.text + text;
      } else {
        const finished = line.text + text.slice(0, end);
        if (finished !== "") log[level](finished);
        text = text.slice(end + 1);
      }
      if (text.length > PARTIAL_LIMIT) {
        line.dropped = text.length;
        text = "";
      }
      line.text = text;
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
  const lines = partialLines.get(log);
  if (!lines) return;
  partialLines.delete(log);
  for (const [name, level] of STREAMS) {
    const line = lines[name];
    if (!line) continue;
    const rest = line.decoder.end();
    if (line.dropped > 0) log.warn(droppedNote(name, line.dropped + rest.length));
    else if (line.text + rest !== "") log[level](line.text + rest);
  }
}

/**
 * What a write of `chunk` prints, as text. Bytes are UTF-8; those a character needs from the next
 * write wait in `decoder`. A string in a byte encoding (`latin1`, `binary`, `ascii`, `hex`,
 * `base64`) stands for the bytes it spells, which are decoded the same way: a secret's UTF-8 bytes
 * written as a binary string print the secret. A string in UTF-16 (`utf16le`, `ucs2`) is its own
 * text: decoded from its bytes as UTF-8 it would show a NUL beside each character. (UTF-16 written
 * as bytes is logged so, and the scrubber skips those NULs.)
 */
function decoded(decoder: StringDecoder, chunk: string | Uint8Array, encoding: BufferEncoding | undefined): string {
  if (typeof chunk !== "string") return decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  if (encoding && Buffer.isEncoding(encoding) && !/^(utf-?8|utf-?16le|ucs-?2)$/i.test(encoding))
    return decoder.write(Buffer.from(chunk, encoding));
  return decoder.end() + chunk;
}

function droppedNote(stream: StreamName, characters: number): string {
  return `A line of ${characters.toLocaleString("en-US")} characters written to ${stream} in pieces was not kept: a line is logged whole or not at all (a secret split between two entries would not be scrubbed), and an unfinished line is held up to ${PARTIAL_LIMIT.toLocaleString("en-US")} characters`;
}
