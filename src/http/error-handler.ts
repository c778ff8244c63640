import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { BifrostError, NotFoundError, type ErrorCode } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import { isDatabaseUnavailable } from "../storage/database-errors.ts";
import { ERROR_STATUS } from "./error-status.ts";
import { fromLibraryError } from "./library-errors.ts";

/** Unknown /api routes answer in the API's error shape, not Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route ${req.method} ${req.path}`));
};

/**
 * Turns every error into `{"error": {code, message, details?}}`. Unexpected errors become a
 * generic 500: their messages come from libraries and could quote data, so they go to the log
 * (which redacts) and never to the client.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) {
      // A streamed response (an export) failed midway: all we can do is cut it, so the client
      // sees a truncated body rather than a complete-looking one.
      logger.error(
        { err: error, method: req.method, path: req.path },
        "error after the response started; connection closed",
      );
      res.destroy();
      return;
    }
    if (bodyErrorType(error) === "request.aborted") {
      // The client went away while its body was being read: nobody to answer, and the request
      // line already says so ("aborted").
      res.destroy();
      return;
    }
    if (isDatabaseUnavailable(error)) {
      logger.error({ err: error, method: req.method, path: req.path }, "database error");
      const unavailable = new BifrostError(
        "DATABASE_ERROR",
        "The database did not answer or dropped the connection. Changes are all-or-nothing, so a change that was not confirmed was not half-applied: check, then retry.",
      );
      res.status(ERROR_STATUS.DATABASE_ERROR).json({ error: unavailable.toJSON() });
      return;
    }
    const known = toBifrostError(error, req);
    if (known) {
      res.status(ERROR_STATUS[known.code]).json({ error: known.toJSON() });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, "unhandled error");
    res
      .status(500)
      .json({ error: { code: "INTERNAL_ERROR" satisfies ErrorCode, message: "Internal error; see the server log" } });
  };
}

function toBifrostError(error: unknown, req: Request): BifrostError | null {
  if (error instanceof BifrostError) return error;
  return fromLibraryError(error, req);
}

/** The `type` body-parser (raw-body) gives its errors, if it is one of theirs. */
function bodyErrorType(error: unknown): string | undefined {
  return (error as { type?: string } | null)?.type;
}
