import {
  BifrostError,
  ConfigNotFoundError,
  ConfigTypeError,
  InvalidConfigKeyError,
  InvalidConfigValueError,
  ScopeAccessError,
  SecretAccessError,
  SecretCopyError,
  SecretValueMissingError,
  ValidationError,
  isBifrostError,
} from "../errors/index.ts";
import type { SerializedError } from "./thread-protocol.ts";

// Errors crossing the port between a worker and its threads: a workflow's `config` call that the
// worker refuses is thrown in the thread as the same class, so `catch (e) { if (e instanceof
// SecretAccessError) ... }` works as it would in one process.

const CLASSES: Partial<Record<string, new (...args: never[]) => BifrostError>> = {
  CONFIG_NOT_FOUND: ConfigNotFoundError,
  CONFIG_TYPE_ERROR: ConfigTypeError,
  INVALID_CONFIG_KEY: InvalidConfigKeyError,
  INVALID_CONFIG_VALUE: InvalidConfigValueError,
  SCOPE_ACCESS_DENIED: ScopeAccessError,
  SECRET_ACCESS_DENIED: SecretAccessError,
  SECRET_COPY_DENIED: SecretCopyError,
  SECRET_VALUE_MISSING: SecretValueMissingError,
  VALIDATION_ERROR: ValidationError,
};

export function serializeError(error: unknown): SerializedError {
  if (isBifrostError(error))
    return { name: error.name, message: error.message, code: error.code, details: error.details };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** The error again, of its class when it is one of ours (its fields from `details`), with a stack from here. */
export function rebuildError(serialized: SerializedError): Error {
  const { name, message, code, details } = serialized;
  const Class = code ? (CLASSES[code] ?? BifrostError) : Error;
  const error = Object.create(Class.prototype) as Error & Record<string, unknown>;
  Object.assign(error, details && typeof details === "object" ? details : {}, {
    name,
    message,
    ...(code ? { code, details } : {}),
  });
  Error.captureStackTrace(error, rebuildError);
  return error;
}
