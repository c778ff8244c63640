import type { Request, Response } from "express";
import { z } from "zod";
import {
  assertCanManageScope,
  defaultScopeRef,
  otherOrgRefusal,
  visibleScopeFilter,
  type Principal,
} from "../auth/index.ts";
import { OrgNotFoundError } from "../errors/index.ts";
import { scopeId, type OrgService, type Scope } from "../orgs/index.ts";
import { principalOf } from "./authenticate.ts";
import { parseInput } from "./validate.ts";

const ScopeParam = z.string().trim().min(1, "must not be empty").max(255).optional();

/** `?scope=` resolved to a Scope: "global", an org id or name; omitted means the caller's default. */
export async function requestScope(orgs: OrgService, req: Request, res: Response): Promise<Scope> {
  const principal = principalOf(res);
  const ref = parseInput(ScopeParam, req.query.scope, "query.scope") ?? defaultScopeRef(principal);
  return resolveScopeFor(orgs, principal, ref);
}

/**
 * Resolves a scope reference for a caller. An org token is told 403 for any org that is not its
 * own, existing or not, with the same body (otherOrgRefusal), so it cannot probe which orgs exist.
 */
export async function resolveScopeFor(orgs: OrgService, principal: Principal, ref: string): Promise<Scope> {
  try {
    return await orgs.resolveScope(ref);
  } catch (error) {
    if (error instanceof OrgNotFoundError && principal.kind === "org") throw otherOrgRefusal();
    throw error;
  }
}

/**
 * The scope filter of a list route (audit rows, executions): what `?scope=` asks for, checked
 * against the caller; without it, everything for an admin and the token's own org for an org token.
 * @returns "global" or an org id, or undefined for no filter.
 */
export async function listScopeFilter(
  orgs: OrgService,
  principal: Principal,
  ref: string | undefined,
): Promise<string | undefined> {
  if (ref === undefined) return visibleScopeFilter(principal);
  const requested = await resolveScopeFor(orgs, principal, ref);
  assertCanManageScope(principal, requested);
  return scopeId(requested);
}
