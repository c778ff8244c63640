import { Router, type Request } from "express";
import { z } from "zod";
import { assertCanManageScope, isAdmin, type Principal } from "../auth/index.ts";
import { WebhookNotFoundError } from "../errors/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { listScopeFilter, requestScope } from "../http/request-scope.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import type { WebhookService } from "./webhook-service.ts";
import type { WebhookRow } from "./webhook-view.ts";

const ListQuery = z.object({
  scope: z.string().trim().min(1).max(255).optional(),
  workflow: z
    .string()
    .regex(/^[a-z0-9_]{1,100}$/, "a workflow name is 1 to 100 of [a-z0-9_]")
    .optional(),
});
const WebhookId = z.string().min(1).max(100);

/** Where webhook URLs point: BIFROST_PUBLIC_URL, else the address this request came to. */
export type BaseUrlOf = (req: Request) => string;

export function baseUrlFrom(publicUrl: string | undefined): BaseUrlOf {
  return (req) => publicUrl ?? `${req.protocol}://${req.get("host")}`;
}

/** /api/webhooks: create (the secret shown once), list (never the secret), delete, rotate the secret. */
export function webhookRoutes(webhooks: WebhookService, orgs: OrgService, baseUrlOf: BaseUrlOf): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const principal = principalOf(res);
    const scope = await requestScope(orgs, req, res);
    assertCanManageScope(principal, scope);
    res.set("Cache-Control", "no-store");
    res.status(201).json(await webhooks.create(scope, jsonBody(req), principal.actor, baseUrlOf(req)));
  });

  router.get("/", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(ListQuery, req.query, "query");
    const scope = await listScopeFilter(orgs, principal, query.scope);
    res.json(await webhooks.list({ scope, workflow: query.workflow }, baseUrlOf(req)));
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(res);
    await webhooks.delete(await visible(webhooks, principal, req.params.id), principal.actor);
    res.status(204).end();
  });

  router.post("/:id/rotate-secret", async (req, res) => {
    const principal = principalOf(res);
    const row = await visible(webhooks, principal, req.params.id);
    res.set("Cache-Control", "no-store");
    res.json(await webhooks.rotateSecret(row, principal.actor, baseUrlOf(req)));
  });

  return router;
}

/** The webhook `rawId`, if the caller may see it: another org's answers as one that does not exist. */
async function visible(webhooks: WebhookService, principal: Principal, rawId: unknown): Promise<WebhookRow> {
  const id = parseInput(WebhookId, rawId, "id");
  const row = await webhooks.find(id);
  if (!row || (!isAdmin(principal) && principal.kind === "org" && row.scope !== principal.orgId))
    throw new WebhookNotFoundError(id);
  return row;
}
