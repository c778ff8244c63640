import { Router } from "express";
import { z } from "zod";
import { ValidationError } from "../errors/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { resolveScopeFor } from "../http/request-scope.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import { assertCanCreateToken, assertCanManageScope, tokenOrgFilter } from "./access-policy.ts";
import type { Principal } from "./principal.ts";
import { ExpiresIn, TokenName } from "./token-input.ts";
import type { TokenService, TokenSpec } from "./token-service.ts";

const CreateToken = z.strictObject({
  name: TokenName,
  /** An org id or name; an org token's own org when omitted. */
  org: z.string().trim().min(1).max(255).optional(),
  admin: z.boolean().optional(),
  readOnly: z.boolean().optional(),
  expiresIn: ExpiresIn.optional(),
});
const TokenId = z.string().min(1).max(100);

/**
 * /api/tokens: list, create (the token shown once), revoke. An admin token manages every token;
 * an org token its own org's only (access-policy.ts).
 */
export function tokenRoutes(tokens: TokenService, orgs: OrgService): Router {
  const router = Router();

  router.get("/", async (_req, res) => {
    res.json(await tokens.list(tokenOrgFilter(principalOf(res))));
  });

  router.post("/", async (req, res) => {
    const principal = principalOf(res);
    const body = parseInput(CreateToken, jsonBody(req), "body");
    const spec = await tokenSpec(orgs, principal, body);
    res
      .status(201)
      .json(
        await tokens.create(
          { ...spec, readOnly: body.readOnly, lifetimeMs: body.expiresIn },
          body.name,
          principal.actor,
        ),
      );
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(res);
    await tokens.revoke(parseInput(TokenId, req.params.id, "id"), tokenOrgFilter(principal), principal.actor);
    res.status(204).end();
  });

  return router;
}

/** Admin or org token, and which org: from the body, checked against the caller. */
async function tokenSpec(
  orgs: OrgService,
  principal: Principal,
  body: z.infer<typeof CreateToken>,
): Promise<TokenSpec> {
  if (body.admin && body.org !== undefined)
    throw new ValidationError([{ path: "body", message: "give either admin: true or org, not both" }]);
  if (body.admin) {
    assertCanCreateToken(principal, null);
    return { role: "admin" };
  }
  if (body.org === undefined) {
    if (principal.kind !== "org")
      throw new ValidationError([
        { path: "body", message: "give admin: true for an admin token, or org for an org token" },
      ]);
    return { role: "org", org: await orgs.get(principal.orgId) };
  }
  // An org token gets one answer for every other org, existing or not (resolveScopeFor, assertCanManageScope).
  const scope = await resolveScopeFor(orgs, principal, body.org);
  if (scope.kind === "global")
    throw new ValidationError([
      { path: "body.org", message: 'a token belongs to an org, not to "global": give admin: true for an admin token' },
    ]);
  assertCanManageScope(principal, scope);
  assertCanCreateToken(principal, scope.org.id);
  return { role: "org", org: scope.org };
}
