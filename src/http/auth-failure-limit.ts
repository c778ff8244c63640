import { rateLimit } from "express-rate-limit";
import type { RequestHandler } from "express";
import { BifrostError, type ErrorCode } from "../errors/index.ts";
import { ERROR_STATUS } from "./error-status.ts";

/**
 * Slows token guessing: a client address gets `perMinute` failed authentications (401) a minute,
 * then 429 RATE_LIMITED until the window passes. Requests that authenticate are not counted.
 */
export function authFailureLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== ERROR_STATUS.UNAUTHORIZED,
    skipSuccessfulRequests: true,
    handler: (_req, res) => {
      const error = new BifrostError("RATE_LIMITED" satisfies ErrorCode, `Too many failed authentications from this address: wait a minute and check the token`);
      res.status(ERROR_STATUS.RATE_LIMITED).json({ error: error.toJSON() });
    },
  });
}
