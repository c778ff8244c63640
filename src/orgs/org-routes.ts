import { Router } from "express";
import { z } from "zod";
import { assertAdmin } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "./org-service.ts";

const CreateOrg = z.strictObject({ name: z.unknown() });

/** /api/orgs: admins create and list orgs; an org token sees only its own org. */
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

  return router;
}
