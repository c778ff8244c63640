import { Router } from "express";
import { z } from "zod";
import { assertAdmin, assertCanManageScope, assertCanSeeScopeId, isAdmin } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { listScopeFilter, requestScope } from "../http/request-scope.ts";
import { optionalJsonBody, parseInput } from "../http/validate.ts";
import { cursorParam, sendPage } from "../http/cursor-page.ts";
import type { OrgService } from "../orgs/index.ts";
import type { ExecutionService } from "./execution-service.ts";
import { ExecutionNotFoundError } from "../errors/index.ts";
import { ExecutionStatus, isFinal } from "./execution-status.ts";
import { ClientTrigger, ExecutionTrigger, TRIGGER_HEADER } from "./execution-trigger.ts";
import { userConfigFromHeaders } from "./user-config.ts";
import { MAX_LOG_READ } from "./execution-log-store.ts";

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
  workflow: z
    .string()
    .regex(/^[a-z0-9_]{1,100}$/, "a workflow name is 1 to 100 of [a-z0-9_]")
    .optional(),
  status: ExecutionStatus.optional(),
  trigger: ExecutionTrigger.optional(),
  scope: z.string().trim().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: cursorParam(z.tuple([z.iso.datetime(), z.string().min(1).max(100)])).optional(),
});
const StatsQuery = z.object({
  scope: z.string().trim().min(1).max(255).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
/** A duration as operators write it: 30s, 15m, 12h, 7d. */
const Duration = z
  .string()
  .regex(/^\d{1,6}[smhd]$/, "is a duration such as 30s, 15m, 12h or 7d")
  .transform(
    (text) =>
      Number(text.slice(0, -1)) *
      { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[text.at(-1) as "s" | "m" | "h" | "d"],
  );
const PruneBody = z.strictObject({ olderThan: Duration.optional(), dryRun: z.boolean().default(false) });
const ExecutionId = z.string().min(1).max(100);
const Seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const LogsQuery = z.object({
  after: Seq.default(0),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_READ).default(MAX_LOG_READ),
});
const EventsInput = z.object({ after: Seq.optional(), "last-event-id": Seq.optional() });
/** An SSE comment this often keeps proxies from closing a quiet stream. */
const SSE_HEARTBEAT_MS = 15_000;
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
    const headers = parseInput(
      StartHeaders,
      { "bifrost-trigger": req.get(TRIGGER_HEADER), "idempotency-key": req.get("idempotency-key") },
      "headers",
    );
    const { params } = parseInput(StartBody, optionalJsonBody(req), "body");
    const userConfig = userConfigFromHeaders(req.headers);
    const authority = isAdmin(principal) ? ("admin" as const) : ("scope" as const);
    const input = {
      workflow: req.params.name,
      scope,
      params,
      userConfig,
      actor: principal.actor,
      authority,
      trigger: headers["bifrost-trigger"] ?? ("api" as const),
    };
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
    const before = query.cursor && { createdAt: new Date(query.cursor[0]), id: query.cursor[1] };
    const rows = await executions.list({
      workflow: query.workflow,
      status: query.status,
      trigger: query.trigger,
      scope,
      limit: query.limit + 1,
      before,
    });
    res.json(
      await executions.summaries(sendPage(req, res, rows, query.limit, (row) => [row.createdAt.toISOString(), row.id])),
    );
  });

  // Deletes finished executions older than `olderThan` (default: the retention setting). Admin only.
  router.post("/prune", async (req, res) => {
    assertAdmin(principalOf(res), "prune executions");
    const { olderThan, dryRun } = parseInput(PruneBody, optionalJsonBody(req), "body");
    res.json(await executions.prune(olderThan, dryRun));
  });

  // Before /:id, which would take "stats" for an id.
  router.get("/stats", async (req, res) => {
    const query = parseInput(StatsQuery, req.query, "query");
    const scope = await listScopeFilter(orgs, principalOf(res), query.scope);
    res.json(
      await executions.stats({
        scope,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      }),
    );
  });

  router.get("/:id", async (req, res) => {
    const row = await executions.find(executionIdOf(req.params.id));
    assertCanSeeScopeId(principalOf(res), row.scope);
    res.json(await executions.view(row));
  });

  router.get("/:id/logs", async (req, res) => {
    const row = await executions.find(executionIdOf(req.params.id));
    assertCanSeeScopeId(principalOf(res), row.scope);
    const { after, limit } = parseInput(LogsQuery, req.query, "query");
    res.json(await executions.logsAfter(row.id, after, limit));
  });

  // Server-Sent Events: `log` (id: its seq, so a reconnect's Last-Event-ID resumes after it) and
  // `status`; the stream ends when the run has.
  router.get("/:id/events", async (req, res) => {
    const row = await executions.find(executionIdOf(req.params.id));
    assertCanSeeScopeId(principalOf(res), row.scope);
    const input = parseInput(
      EventsInput,
      { after: req.query.after, "last-event-id": req.get("last-event-id") },
      "query",
    );
    const after = input["last-event-id"] ?? input.after ?? 0;
    const stop = new AbortController();
    res.on("close", () => stop.abort());
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), SSE_HEARTBEAT_MS);
    try {
      for await (const event of executions.follow(row.id, after, stop.signal)) {
        if (event.event === "log")
          res.write(`id: ${event.entry.seq}\nevent: log\ndata: ${JSON.stringify(event.entry)}\n\n`);
        else res.write(`event: status\ndata: ${JSON.stringify({ status: event.status })}\n\n`);
      }
    } catch (error) {
      // Headers are sent: the stream can only say so and end (the client reconnects).
      if (!stop.signal.aborted)
        res.write(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
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
