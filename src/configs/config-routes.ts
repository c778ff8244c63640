import { Router } from "express";
import { z } from "zod";
import { assertAdmin, assertCanManageScope, assertCanReadEffective } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { requestScope } from "../http/request-scope.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import type { ConfigService } from "./config-service.ts";

const ListQuery = z.object({ effective: z.enum(["true", "false"]).optional() });

/** /api/configs: list, upsert, effective read, delete. Rules live in ConfigService. */
export function configRoutes(configs: ConfigService, orgs: OrgService): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const { effective } = parseInput(ListQuery, { effective: req.query.effective }, "query");
    const scope = await requestScope(orgs, req, res);
    if (effective === "true") assertCanReadEffective(principalOf(res), scope);
    else assertCanManageScope(principalOf(res), scope);
    const list = effective === "true" ? await configs.listEffectiveRendered(scope) : await configs.listRendered(scope);
    // Our ETag (Express would hash the whole body for its own); a client that sends it back in
    // If-None-Match gets 304 while nothing changed.
    res.set("ETag", list.etag).type("json").send(list.body);
  });

  router.get("/:key", async (req, res) => {
    const scope = await requestScope(orgs, req, res);
    assertCanReadEffective(principalOf(res), scope);
    res.json(await configs.getEffective(scope, req.params.key));
  });

  router.put("/:key", async (req, res) => {
    const scope = await requestScope(orgs, req, res);
    const principal = principalOf(res);
    assertCanManageScope(principal, scope);
    // `If-None-Match: *` makes the write create-only (RFC 9110): an existing key is 409 CONFIG_EXISTS.
    const createOnly = req.get("if-none-match")?.trim() === "*";
    const result = await configs.set(scope, req.params.key, jsonBody(req), principal.actor, { createOnly });
    res
      .status(result.created ? 201 : 200)
      .json({ ...result.config, ...(result.warnings.length ? { warnings: result.warnings } : {}) });
  });

  router.delete("/:key", async (req, res) => {
    const scope = await requestScope(orgs, req, res);
    const principal = principalOf(res);
    assertCanManageScope(principal, scope);
    await configs.delete(scope, req.params.key, principal.actor);
    res.status(204).end();
  });

  return router;
}

/** /api/config-matrix: keys × scopes for comparing orgs (admin only; secrets as set or unset). */
export function configMatrixRoutes(configs: ConfigService): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    assertAdmin(principalOf(res), "compare every org's configs");
    res.json(await configs.matrix());
  });
  return router;
}
