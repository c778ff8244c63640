import { Router } from "express";
import { z } from "zod";
import { assertAdmin, assertCanManageScope, assertCanReadEffective } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { cursorOf, cursorParam } from "../http/cursor-page.ts";
import { requestScope } from "../http/request-scope.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import { MATRIX_ORGS_PER_PAGE } from "./config-matrix.ts";
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

const MatrixQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(MATRIX_ORGS_PER_PAGE),
  cursor: cursorParam(z.tuple([z.string().min(1).max(255)])).optional(),
});

/**
 * /api/config-matrix: keys × scopes for comparing orgs (admin only; secrets as set or unset), a page
 * of orgs at a time as GET /api/orgs pages (`limit`, `cursor`, `Link: rel="next"`).
 */
export function configMatrixRoutes(configs: ConfigService): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    assertAdmin(principalOf(res), "compare every org's configs");
    const query = parseInput(MatrixQuery, req.query, "query");
    const { matrix, more } = await configs.matrix({ limit: query.limit, after: query.cursor?.[0] });
    const last = matrix.orgs.at(-1);
    if (more && last) {
      const url = new URL(req.originalUrl, "http://x");
      url.searchParams.set("cursor", cursorOf([last.name]));
      res.set("Link", `<${url.pathname}${url.search}>; rel="next"`);
    }
    res.json(matrix);
  });
  return router;
}
