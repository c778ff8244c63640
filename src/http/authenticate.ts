import type { RequestHandler, Response } from "express";
import type { Principal, TokenService } from "../auth/index.ts";

/** Resolves the bearer token into `res.locals.principal`, or fails with 401. */
export function authenticate(tokens: TokenService): RequestHandler {
  return async (req, res, next) => {
    res.locals.principal = await tokens.authenticate(req.get("authorization"));
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error("principalOf() used on a route without authenticate()");
  return principal;
}
