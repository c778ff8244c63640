import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { serializeError } from "./error-serializer.ts";

export type { Logger };

/**
 * Field names that may hold a secret somewhere in a structured log call. Redaction is a second
 * line of defence: the first is that no code path hands a value to the logger.
 */
const REDACTED_PATHS = [
  "value",
  "*.value",
  "encrypted",
  "*.encrypted",
  "secret",
  "*.secret",
  "secretKey",
  "*.secretKey",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
];

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines (pino-pretty) instead of JSON: for a terminal. */
  pretty?: boolean;
  /** Where to write; default stdout. Tests pass a stream to search what was logged. */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? "bifrost",
      level: options.level ?? "info",
      redact: { paths: REDACTED_PATHS, censor: "[REDACTED]" },
      // Also for `logger.error(error, msg)`, which pino logs under `err`.
      serializers: { err: serializeError },
    },
    options.destination ??
      (options.pretty
        ? pretty({ colorize: process.stdout.isTTY, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,name" })
        : pino.destination({ sync: false })),
  );
}
