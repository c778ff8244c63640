import { databaseErrorForLog, isDatabaseError } from "../storage/database-errors.ts";

/** Errors nested in errors (causes, aggregated errors) are followed this deep. */
const MAX_DEPTH = 5;

/**
 * The logger's form of an error: its type, message, stack and own fields, with every error it
 * holds (`cause`, `errors`, any field) serialized the same way. A database error, wherever it
 * sits, is logged without the statement's parameters (`databaseErrorForLog`): pino's standard
 * serializer copied every field and appended each cause's message to the error's own.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!isErrorLike(error)) return error;
  if (isDatabaseError(error)) return databaseErrorForLog(error);
  const { constructor, name, message, stack } = error as Error;
  const out: Record<string, unknown> = {
    type: constructor?.name && constructor.name !== "Object" ? constructor.name : name,
    message,
    stack,
  };
  if (depth >= MAX_DEPTH) return out;
  for (const key in error) {
    if (key in out) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value !== "function") out[key] = isErrorLike(value) ? serializeError(value, depth + 1) : value;
  }
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (cause !== undefined) out.cause = serializeError(cause, depth + 1);
  if (Array.isArray(errors)) out.errors = errors.map((inner) => serializeError(inner, depth + 1));
  return out;
}

function isErrorLike(value: unknown): value is { message: string } {
  return typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string";
}
