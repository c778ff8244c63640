import { ResultInvalidError, ResultTooLargeError, ValidationError, formatPath } from "../src/errors/index.ts";
import { MAX_RESULT_DEPTH, findUnstorableJson } from "../src/storage/storable-json.ts";
import { normalizeUserConfigName } from "../src/executions/user-config.ts";
import type { ExecutionLogEntry, ExecutionLogger, UserConfig } from "./execution-context.ts";
import type { WorkflowDefinition } from "./workflow-definition.ts";

// The pieces of an ExecutionContext that the worker and sdk/testing build alike. Internal.

/** How much of its log one run (one attempt) keeps; the note that says so counts as a line. */
export const RUN_LOG_LIMITS = { lines: 10_000, characters: 1_000_000 };

/**
 * A `ctx.log` that appends to `entries`, up to `limits`: a run's log is stored in its row, and
 * console output joins it, so a chatty loop must not make a row of gigabytes. Past the limit,
 * lines are dropped whole (a cut line could end in the first half of a secret, which the scrubber
 * would no longer recognise) and one last entry counts them.
 */
export function collectingLogger(
  entries: ExecutionLogEntry[],
  limits = RUN_LOG_LIMITS,
): ExecutionLogger & { readonly note: ExecutionLogEntry | null } {
  let characters = 0;
  let dropped = 0;
  let note: ExecutionLogEntry | null = null;
  const at = (level: ExecutionLogEntry["level"]) => (message: string) => {
    const text = String(message);
    if (note === null && entries.length < limits.lines - 1 && characters + text.length <= limits.characters) {
      characters += text.length;
      entries.push({ at: new Date().toISOString(), level, message: text });
      return;
    }
    dropped++;
    if (note === null) {
      note = { at: new Date().toISOString(), level: "warn", message: "" };
      entries.push(note);
    }
    note.message = `The log reached its limit (${limits.lines.toLocaleString("en-US")} lines or ${limits.characters.toLocaleString("en-US")} characters a run): ${dropped} later line${dropped === 1 ? " was" : "s were"} dropped`;
  };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    /** The last entry once lines were dropped: it counts them, so it changes until the run ends. */
    get note() {
      return note;
    },
  };
}

/** The most a run may return, as JSON text in characters: results are stored in the run's row and sent whole to whoever reads it. */
export const RESULT_LIMIT = 4_000_000;

/**
 * What a run returned, as it is stored: JSON text (`undefined` becomes `null`; what JSON cannot
 * hold throws, as `JSON.stringify` does).
 * @throws ResultTooLargeError past RESULT_LIMIT
 * @throws ResultInvalidError when it nests deeper than MAX_RESULT_DEPTH or holds a lone surrogate
 *   (no database stores that, and no reader could walk it back)
 */
export function storedResult(workflow: string, value: unknown, limit = RESULT_LIMIT): string {
  const unstorable = (path: string, message: string) =>
    new ResultInvalidError(workflow, [{ path, message }], "the platform cannot store");
  let json: string;
  try {
    json = JSON.stringify(value) ?? "null";
  } catch (error) {
    if (error instanceof RangeError) throw unstorable("result", `nested deeper than ${MAX_RESULT_DEPTH} levels`);
    throw error;
  }
  if (json.length > limit) throw new ResultTooLargeError(json.length, limit);
  const problem = findUnstorableJson(JSON.parse(json), MAX_RESULT_DEPTH);
  if (problem) throw unstorable(formatPath("result", problem.path), problem.reason);
  return json;
}

/** What the method returned, as its `result` schema parses it (the value itself without one). @throws ResultInvalidError */
export function checkedResult(definition: Pick<WorkflowDefinition, "name" | "result">, value: unknown): unknown {
  if (!definition.result) return value;
  const parsed = definition.result.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ResultInvalidError(definition.name, ValidationError.fromZod(parsed.error, "result").issues);
}

/** `ctx.userConfig` over the `Config-*` header values. */
export function userConfigOf(values: Record<string, string>): UserConfig {
  const map = new Map(Object.entries(values).map(([name, value]) => [normalizeUserConfigName(name), value]));
  return {
    get: (name) => map.get(normalizeUserConfigName(name)),
    has: (name) => map.has(normalizeUserConfigName(name)),
  };
}
