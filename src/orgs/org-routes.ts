import { Router } from "express";
import { z } from "zod";
import { assertAdmin } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "./org-service.ts";

const CreateOrg = z.strictObject({ name: z.unknown() });
const DeleteQuery = z.object({ force: z.enum(["true", "false"]).default("false") });
const OrgRef = z.string().trim().min(1).max(255);

/** /api/orgs: admins create, list and delete orgs; an org token sees only its own org. */
export function orgRoutes(orgs: OrgService): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const principal = principalOf(res);
    assertAdmin(principal, "create orgs");
    const { name } = parseInput(CreateOrg, jsonBody(req), "body");
    res.status(201).json(await orgs.create(name, principal.actor));
  });

  router.get("/", async (_req, res) => {
    const principal = principalOf(res);
    res.json(principal.kind === "org" ? [await orgs.get(principal.orgId)] : await orgs.list());
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
