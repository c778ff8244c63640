import type { RequestHandler, Response } from "express";
import { AuthenticationError } from "../errors/index.ts";
import { assertMethodAllowed, type Principal, type TokenService } from "../auth/index.ts";
import type { AuthFailureLimit } from "./auth-failure-limit.ts";

/**
 * Resolves the bearer token into `res.locals.principal`, or fails with 401 (counted by `failures`);
 * then refuses (403) a read-only token's request that could change something, before any body is read.
 * `byMethod: false` leaves that to the route: MCP's POSTs both read (tools/list) and run (tools/call).
 */
export function authenticate(
  tokens: TokenService,
  failures: AuthFailureLimit,
  { byMethod = true }: { byMethod?: boolean } = {},
): RequestHandler {
  return async (req, res, next) => {
    let principal: Principal;
    try {
      principal = await tokens.authenticate(req.get("authorization"));
    } catch (error) {
      if (error instanceof AuthenticationError) await failures.recordFailure(req);
      throw error;
    }
    if (byMethod) assertMethodAllowed(principal, req.method, req.baseUrl + req.path);
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error("principalOf() used on a route without authenticate()");
  return principal;
}
