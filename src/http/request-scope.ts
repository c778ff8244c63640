import type { Request, Response } from "express";
import { z } from "zod";
import { defaultScopeRef } from "../auth/index.ts";
import type { OrgService, Scope } from "../orgs/index.ts";
import { principalOf } from "./authenticate.ts";
import { parseInput } from "./validate.ts";

const ScopeParam = z.string().trim().min(1, "must not be empty").max(255).optional();

/** `?scope=` resolved to a Scope: "global", an org id or name; omitted means the caller's default. */
export async function requestScope(orgs: OrgService, req: Request, res: Response): Promise<Scope> {
  const ref = parseInput(ScopeParam, req.query.scope, "query.scope") ?? defaultScopeRef(principalOf(res));
  return orgs.resolveScope(ref);
}
