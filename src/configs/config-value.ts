import { InvalidConfigValueError, formatPath } from "../errors/index.ts";
import { MAX_VALUE_DEPTH, findUnstorableJson } from "../storage/storable-json.ts";
import type { ConfigType } from "./config-type.ts";

export const MAX_SECRET_BYTES = 64 * 1024;
export const MAX_VALUE_BYTES = 256 * 1024;
/** Shorter secrets would make the output scrubber redact ordinary text, so it warns instead. */
export const MIN_SCRUBBABLE_SECRET_LENGTH = 4;

/**
 * A value accepted for its type. Non-secrets have one storage form, the JSON text of the typed
 * value, which every reader decodes with `decodeStoredValue`. Secrets carry their plaintext only
 * until the service encrypts it.
 */
export type AcceptedValue = { kind: "plain"; stored: string; value: unknown } | { kind: "secret"; plaintext: string };

/**
 * Checks `input` against the type's table in ../shared/CONTRACT.md and returns its storage form.
 * Messages say what was wrong and never repeat the value. `typed` (bundles, which carry values
 * already typed) turns off the coercion of strings: "5" is then not an int, and a json value is
 * taken as it is rather than parsed when it is a string.
 *
 * @throws InvalidConfigValueError
 */
export function acceptConfigValue(
  key: string,
  type: ConfigType,
  input: unknown,
  options: { typed?: boolean } = {},
): AcceptedValue {
  const fail = (reason: string): never => {
    throw new InvalidConfigValueError(key, type, reason);
  };
  if (input === undefined) fail("a value is required");
  if (options.typed) {
    if (type === "json") return checkedJson(key, input);
    if (type === "int" && typeof input !== "number") fail(`expected an integer, got ${describe(input)}`);
    if (type === "bool" && typeof input !== "boolean") fail(`expected true or false, got ${describe(input)}`);
  }

  switch (type) {
    case "string": {
      if (typeof input !== "string") fail(`expected a JSON string, got ${describe(input)}`);
      if (!(input as string).isWellFormed()) fail("a string must be valid Unicode (it contains a lone surrogate)");
      return plain(key, type, input as string);
    }
    case "int": {
      let n: number | undefined;
      if (typeof input === "number") n = input;
      else if (typeof input === "string") {
        if (!/^\s*-?\d+\s*$/.test(input)) fail("expected an integer; the string given is not one");
        n = Number(input.trim());
      } else fail(`expected an integer or a string of one, got ${describe(input)}`);
      if (!Number.isInteger(n)) fail("expected an integer, got a number with a fraction");
      if (!Number.isSafeInteger(n))
        fail(`expected an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
      return plain(key, type, n as number);
    }
    case "bool": {
      if (typeof input === "boolean") return plain(key, type, input);
      if (typeof input === "string" && /^(true|false)$/i.test(input.trim()))
        return plain(key, type, input.trim().toLowerCase() === "true");
      return fail(`expected true or false (or "true"/"false"), got ${describe(input)}`);
    }
    case "json": {
      let value = input;
      if (typeof input === "string") {
        try {
          value = JSON.parse(input);
        } catch {
          fail("expected a JSON value, or a string that parses as JSON; the string given does not parse");
        }
      }
      return checkedJson(key, value);
    }
    case "secret": {
      if (typeof input !== "string") fail(`expected a string, got ${describe(input)}`);
      // A lone surrogate is valid JSON but not UTF-8: encrypting it would silently change the value.
      if (!(input as string).isWellFormed()) fail("a secret must be valid Unicode (it contains a lone surrogate)");
      const bytes = Buffer.byteLength(input as string, "utf8");
      if (bytes === 0) fail("a secret must not be empty");
      if (bytes > MAX_SECRET_BYTES) fail(`a secret is at most 64 KiB (got ${bytes} bytes)`);
      return { kind: "secret", plaintext: input as string };
    }
  }
}

/**
 * What a workflow's code passed to `config.set`, as the JSON value it stands for: it crosses from
 * its thread by structured clone, which keeps what JSON does not (`new String(...)`, a Map, a
 * cycle); a boxed string would otherwise pass a check for secrets as an object with nothing in it.
 * @throws InvalidConfigValueError when JSON cannot hold it
 */
export function asJsonValue(key: string, value: unknown): unknown {
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    value === undefined
  )
    return value;
  try {
    const json = JSON.stringify(value);
    return json === undefined ? undefined : JSON.parse(json);
  } catch (error) {
    throw new InvalidConfigValueError(key, "json", `not a JSON value (${(error as Error).message.split("\n")[0]})`);
  }
}

/** A json value that can be stored and written back out (see storable-json.ts). */
function checkedJson(key: string, value: unknown): AcceptedValue {
  const problem = findUnstorableJson(value, MAX_VALUE_DEPTH);
  if (problem)
    throw new InvalidConfigValueError(key, "json", `at ${formatPath("value", problem.path)}: ${problem.reason}`);
  return plain(key, "json", value);
}

function plain(key: string, type: ConfigType, value: unknown): AcceptedValue {
  const stored = JSON.stringify(value);
  if (Buffer.byteLength(stored, "utf8") > MAX_VALUE_BYTES) {
    throw new InvalidConfigValueError(key, type, `a value is at most ${MAX_VALUE_BYTES / 1024} KiB`);
  }
  return { kind: "plain", stored, value };
}

/** The typed value of a non-secret row. */
export function decodeStoredValue(stored: string): unknown {
  return JSON.parse(stored);
}

function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "number") return Number.isInteger(input) ? "an integer" : "a number";
  if (typeof input === "string") return "a string";
  if (typeof input === "boolean") return "a boolean";
  return `an ${typeof input}`;
}
