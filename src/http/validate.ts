import type { Request } from "express";
import type { z } from "zod";
import { BifrostError, ValidationError } from "../errors/index.ts";

/** Parses `data` with `schema`, or throws a ValidationError whose paths start with `where`. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw ValidationError.fromZod(result.error, where);
  return result.data;
}

/** The JSON body, or 415 when the client did not send JSON (Express then leaves the body unset). */
export function jsonBody(req: Request): unknown {
  if (req.body === undefined)
    throw new BifrostError("UNSUPPORTED_MEDIA_TYPE", "Send a JSON body with Content-Type: application/json");
  return req.body;
}

/** Like jsonBody, but a request without any body means `{}`. */
export function optionalJsonBody(req: Request): unknown {
  const hasBody = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
  return hasBody ? jsonBody(req) : {};
}
