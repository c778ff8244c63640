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
  if (scope.kind === "global")
    throw new ForbiddenError(
      "An org token cannot manage global configs: global values are visible to it only through its org's effective view",
    );
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

// ---------------------------------------------------------------------------------------------
// Tokens

/** The org whose tokens a principal manages (lists, revokes), or undefined for every token (admin). */
export function tokenOrgFilter(principal: Principal): string | undefined {
  return principal.kind === "org" ? principal.orgId : undefined;
}

/**
 * Creating a token: an admin creates any. An org token creates tokens of its own org only
 * (read-only or not: it could do all they can already), never an admin token.
 * @param orgId the new token's org, or null for an admin token
 */
export function assertCanCreateToken(principal: Principal, orgId: string | null): void {
  if (isAdmin(principal)) return;
  if (orgId === null) throw new ForbiddenError("An org token cannot create admin tokens");
  if (principal.kind === "org" && orgId !== principal.orgId) throw otherOrgRefusal();
}

// ---------------------------------------------------------------------------------------------
// Read-only tokens

/** Methods that never change anything on this API. */
const READING_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Requests a read-only token may send with any other method, because they only read. Full
 * paths, lower case, no trailing slash. Keep this list short and say why for each entry.
 */
const READING_REQUESTS: ReadonlySet<string> = new Set([
  // The console hands the queue dashboard (itself read-only) the token as a cookie, and takes
  // the cookie back at sign-out: nothing is stored on the server.
  "POST /api/session/queues-cookie",
  "DELETE /api/session/queues-cookie",
]);

/**
 * A read-only token gets 403 on every request that could change something or start work (writes,
 * runs, cancels, imports, org and token management): everything but GET, HEAD, OPTIONS and
 * READING_REQUESTS. Decided by method here, once, so that a new route is refused by default.
 * @param path the request's full path (`req.baseUrl + req.path`)
 */
export function assertMethodAllowed(principal: Principal, method: string, path: string): void {
  if (principal.kind === "system" || !principal.readOnly) return;
  const upper = method.toUpperCase();
  if (READING_METHODS.has(upper)) return;
  if (READING_REQUESTS.has(`${upper} ${path.toLowerCase().replace(/\/+$/, "")}`)) return;
  throw new ForbiddenError(READ_ONLY_REFUSAL);
}

const READ_ONLY_REFUSAL = "This token is read-only: it cannot change anything or start runs";

/** Starting a run where the method says nothing (an MCP `tools/call`): a read-only token may not. */
export function assertCanStartRuns(principal: Principal): void {
  if (principal.kind !== "system" && principal.readOnly) throw new ForbiddenError(READ_ONLY_REFUSAL);
}
