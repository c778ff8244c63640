import type { ErrorCode } from "./error-codes.ts";

/**
 * The base of every error the platform raises on purpose. `code` is stable and machine-readable;
 * `message` is one line a person can act on; `details` is structured (e.g. each validation issue
 * with its path). None of the three may ever carry a config value.
 */
export class BifrostError<C extends ErrorCode = ErrorCode> extends Error {
  override name = "BifrostError";

  constructor(
    readonly code: C,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export function isBifrostError(error: unknown): error is BifrostError {
  return error instanceof BifrostError;
}
