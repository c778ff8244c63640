import { Router } from "express";
import { z } from "zod";
import { assertAdmin } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { cursorParam, sendPage } from "../http/cursor-page.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "./org-service.ts";

const CreateOrg = z.strictObject({ name: z.unknown() });
const DeleteQuery = z.object({ force: z.enum(["true", "false"]).default("false") });
const OrgRef = z.string().trim().min(1).max(255);
const OrgListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  cursor: cursorParam(z.tuple([z.string().min(1).max(255)])).optional(),
});

/** /api/orgs: admins create, list and delete orgs; an org token sees only its own org. */
export function orgRoutes(orgs: OrgService): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const principal = principalOf(res);
    assertAdmin(principal, "create orgs");
    const { name } = parseInput(CreateOrg, jsonBody(req), "body");
    res.status(201).json(await orgs.create(name, principal.actor));
  });

  router.get("/", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(OrgListQuery, req.query, "query");
    if (principal.kind === "org") return void res.json([await orgs.get(principal.orgId)]);
    res.json(
      sendPage(req, res, await orgs.list({ limit: query.limit + 1, after: query.cursor?.[0] }), query.limit, (org) => [
        org.name,
      ]),
    );
  });

  router.delete("/:org", async (req, res) => {
    const principal = principalOf(res);
    // First: an org token gets this one answer for every org, existing or not.
    assertAdmin(principal, "delete orgs");
    const { force } = parseInput(DeleteQuery, req.query, "query");
    await orgs.delete(parseInput(OrgRef, req.params.org, "org"), { force: force === "true" }, principal.actor);
    res.status(204).end();
  });

  return router;
}
