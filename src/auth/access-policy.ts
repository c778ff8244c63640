import { ForbiddenError } from "../errors/index.ts";
import type { Scope } from "../orgs/scope.ts";
import type { Principal } from "./principal.ts";

// The one place that says who may touch which scope. Routes call these; services trust them.
// A wrong org is always 403 (never 404), so callers can tell "not yours" from "not there".

export function isAdmin(principal: Principal): boolean {
  return principal.kind !== "org";
}

export function assertAdmin(principal: Principal, what: string): void {
  if (!isAdmin(principal)) throw new ForbiddenError(`Only an admin token can ${what}`);
}

/**
 * The one answer an org token gets for any org but its own, whether that org exists or not: the
 * same status and body, naming no org, so that it cannot learn which org names or ids exist.
 */
export function otherOrgRefusal(): ForbiddenError {
  return new ForbiddenError("This token cannot act in another org: an org token acts only inside its own org");
}

/** Reading and writing the configs stored in `scope` itself (not through the cascade). */
export function assertCanManageScope(principal: Principal, scope: Scope): void {
  if (isAdmin(principal)) return;
  if (scope.kind === "global") throw new ForbiddenError("An org token cannot manage global configs: global values are visible to it only through its org's effective view");
  if (principal.kind === "org" && scope.org.id !== principal.orgId) throw otherOrgRefusal();
}

/** Reading effective (cascaded) values for `scope`: an org token may for its own org. */
export function assertCanReadEffective(principal: Principal, scope: Scope): void {
  assertCanManageScope(principal, scope);
}

/** The scope a request means when it names none: global for admins, its own org for an org token. */
export function defaultScopeRef(principal: Principal): string {
  return principal.kind === "org" ? principal.orgId : "global";
}

/** What a principal sees in lists (audit rows, executions): everything, or only its org's rows. */
export function visibleScopeFilter(principal: Principal): string | undefined {
  return principal.kind === "org" ? principal.orgId : undefined;
}

/** Reading or cancelling a record kept in scope `storedScope` ("global" or an org id), e.g. an execution. */
export function assertCanSeeScopeId(principal: Principal, storedScope: string): void {
  if (isAdmin(principal)) return;
  if (principal.kind === "org" && storedScope !== principal.orgId) throw otherOrgRefusal();
}

