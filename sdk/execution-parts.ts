import { normalizeUserConfigName } from "../src/executions/user-config.ts";
import type { ExecutionLogEntry, ExecutionLogger, UserConfig } from "./execution-context.ts";

// The pieces of an ExecutionContext that the worker and sdk/testing build alike. Internal.

/** A `ctx.log` that appends to `entries`. */
export function collectingLogger(entries: ExecutionLogEntry[]): ExecutionLogger {
  const at = (level: ExecutionLogEntry["level"]) => (message: string) => {
    entries.push({ at: new Date().toISOString(), level, message: String(message) });
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** `ctx.userConfig` over the `Config-*` header values. */
export function userConfigOf(values: Record<string, string>): UserConfig {
  const map = new Map(Object.entries(values).map(([name, value]) => [normalizeUserConfigName(name), value]));
  return {
    get: (name) => map.get(normalizeUserConfigName(name)),
    has: (name) => map.has(normalizeUserConfigName(name)),
  };
}
