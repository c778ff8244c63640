import { Router } from "express";
import { z } from "zod";
import { assertCanManageScope, assertCanSeeScopeId, isAdmin } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { listScopeFilter, requestScope } from "../http/request-scope.ts";
import { optionalJsonBody, parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import type { ExecutionService } from "./execution-service.ts";
import { ExecutionNotFoundError } from "../errors/index.ts";
import { ExecutionStatus, isFinal } from "./execution-status.ts";
import { ClientTrigger, ExecutionTrigger, TRIGGER_HEADER } from "./execution-trigger.ts";
import { userConfigFromHeaders } from "./user-config.ts";

/** The longest `wait=` a request may hold its connection for. */
export const MAX_WAIT_MS = 300_000;

const WaitQuery = z.object({ wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional() });
const StartBody = z.strictObject({ params: z.unknown().optional() });
const StartHeaders = z.object({
  "bifrost-trigger": ClientTrigger.optional(),
  "idempotency-key": z.string().min(1, "must not be empty").max(200, "is at most 200 characters").optional(),
});
/** Answered on a start that an `Idempotency-Key` made a repeat of an earlier one. */
export const REPLAYED_HEADER = "Idempotent-Replayed";
const ListQuery = z.object({
  workflow: z.string().regex(/^[a-z0-9_]{1,100}$/, "a workflow name is 1 to 100 of [a-z0-9_]").optional(),
  status: ExecutionStatus.optional(),
  trigger: ExecutionTrigger.optional(),
  scope: z.string().trim().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
const ExecutionId = z.string().min(1).max(100);
/** Execution ids are UUIDs: anything else cannot name one (and never reaches the database). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** POST /api/workflows/:name/executions: run a workflow (202), or wait for its end with `wait=<ms>`. */
export function startExecutionRoutes(executions: ExecutionService, orgs: OrgService): Router {
  const router = Router();
  router.post("/:name/executions", async (req, res) => {
    const scope = await requestScope(orgs, req, res);
    const principal = principalOf(res);
    assertCanManageScope(principal, scope);
    const { wait } = parseInput(WaitQuery, { wait: req.query.wait }, "query");
    const headers = parseInput(StartHeaders, { "bifrost-trigger": req.get(TRIGGER_HEADER), "idempotency-key": req.get("idempotency-key") }, "headers");
    const { params } = parseInput(StartBody, optionalJsonBody(req), "body");
    const userConfig = userConfigFromHeaders(req.headers);
    const authority = isAdmin(principal) ? ("admin" as const) : ("scope" as const);
    const input = { workflow: req.params.name, scope, params, userConfig, actor: principal.actor, authority, trigger: headers["bifrost-trigger"] ?? ("api" as const) };
    const key = headers["idempotency-key"];
    let row;
    if (key === undefined) row = wait ? await executions.startAndWait(input, wait) : await executions.start(input);
    else {
      const started = await executions.startOnce(input, `api:${key}`);
      if (started.replayed) res.set(REPLAYED_HEADER, "true");
      row = wait ? await executions.waitForEnd(started.row.id, wait) : started.row;
    }
    res.status(isFinal(row.status) ? 200 : 202).json(await executions.view(row, scope));
  });
  return router;
}

/** /api/executions: list (newest first), read one, cancel. An org token sees only its org's. */
export function executionRoutes(executions: ExecutionService, orgs: OrgService): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(ListQuery, req.query, "query");
    const scope = await listScopeFilter(orgs, principal, query.scope);
    res.json(await executions.summaries(await executions.list({ workflow: query.workflow, status: query.status, trigger: query.trigger, scope, limit: query.limit })));
  });

  router.get("/:id", async (req, res) => {
    const row = await executions.find(executionIdOf(req.params.id));
    assertCanSeeScopeId(principalOf(res), row.scope);
    res.json(await executions.view(row));
  });

  router.post("/:id/cancel", async (req, res) => {
    const row = await executions.find(executionIdOf(req.params.id));
    assertCanSeeScopeId(principalOf(res), row.scope);
    const after = await executions.cancel(row, principalOf(res).actor);
    res.status(isFinal(after.status) ? 200 : 202).json(await executions.view(after));
  });

  return router;
}

function executionIdOf(raw: unknown): string {
  const id = parseInput(ExecutionId, raw, "id");
  if (!UUID.test(id)) throw new ExecutionNotFoundError(id);
  return id.toLowerCase();
}
