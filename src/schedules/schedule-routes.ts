import { Router } from "express";
import { z } from "zod";
import { assertCanManageScope, isAdmin, type Principal } from "../auth/index.ts";
import { ScheduleNotFoundError } from "../errors/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { listScopeFilter, requestScope } from "../http/request-scope.ts";
import { jsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import type { ScheduleService } from "./schedule-service.ts";
import type { ScheduleRow } from "./schedule-view.ts";

const ListQuery = z.object({
  scope: z.string().trim().min(1).max(255).optional(),
  workflow: z
    .string()
    .regex(/^[a-z0-9_]{1,100}$/, "a workflow name is 1 to 100 of [a-z0-9_]")
    .optional(),
});
const ScheduleId = z.string().min(1).max(100);
/** Schedule ids are UUIDs: anything else cannot name one (and never reaches the database). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** /api/schedules: create, list, read, change (pause, resume), delete. An org token manages only its org's. */
export function scheduleRoutes(schedules: ScheduleService, orgs: OrgService): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const principal = principalOf(res);
    const scope = await requestScope(orgs, req, res);
    assertCanManageScope(principal, scope);
    res.status(201).json(await schedules.create(scope, jsonBody(req), principal.actor));
  });

  router.get("/", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(ListQuery, req.query, "query");
    const scope = await listScopeFilter(orgs, principal, query.scope);
    res.json(await schedules.list({ scope, workflow: query.workflow }));
  });

  router.get("/:id", async (req, res) => {
    res.json(await schedules.viewOf(await visible(schedules, principalOf(res), req.params.id)));
  });

  router.patch("/:id", async (req, res) => {
    const principal = principalOf(res);
    const row = await visible(schedules, principal, req.params.id);
    res.json(await schedules.viewOf(await schedules.update(row, jsonBody(req), principal.actor)));
  });

  router.delete("/:id", async (req, res) => {
    const principal = principalOf(res);
    await schedules.delete(await visible(schedules, principal, req.params.id), principal.actor);
    res.status(204).end();
  });

  return router;
}

/** The schedule `rawId`, if the caller may see it: another org's answers as one that does not exist. */
async function visible(schedules: ScheduleService, principal: Principal, rawId: unknown): Promise<ScheduleRow> {
  const id = parseInput(ScheduleId, rawId, "id");
  const row = UUID.test(id) ? await schedules.find(id.toLowerCase()) : null;
  if (!row || (!isAdmin(principal) && principal.kind === "org" && row.scope !== principal.orgId))
    throw new ScheduleNotFoundError(id);
  return row;
}
