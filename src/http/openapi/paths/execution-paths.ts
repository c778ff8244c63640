import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ExecutionStatus } from "../../../executions/execution-status.ts";
import { ExecutionTrigger } from "../../../executions/execution-trigger.ts";
import { ExecutionStats } from "../../../executions/execution-stats-view.ts";
import { ExecutionSummary, ExecutionView } from "../../../executions/execution-view.ts";
import { LogPage } from "../../../executions/log-page-view.ts";
import { PruneResult } from "../../../executions/prune-result-view.ts";
import { Timestamp } from "../../../views/view-fields.ts";
import {
  AUTH_ERRORS,
  CursorQuery,
  LinkHeaders,
  ScopeFilter,
  WorkflowFilter,
  errors,
  json,
} from "../openapi-helpers.ts";

const tags = ["Executions"];
const IdParam = z.object({
  id: z.string().meta({ description: "Execution id (a UUID)", example: "0f8e6a52-3c1b-4d7e-8f0a-2b9c4d5e6f70" }),
});
const Seq = z.coerce.number().int().min(0);

// The shape of the v2 contract's retention request (../shared/CONTRACT.md).
const PruneRequest = z
  .object({
    olderThan: z
      .string()
      .regex(/^\d{1,6}[smhd]$/)
      .optional()
      .meta({ description: "A duration: `30s`, `15m`, `12h`, `7d` (default: BIFROST_EXECUTION_RETENTION_DAYS)" }),
    dryRun: z.boolean().optional().meta({ description: "Count without deleting" }),
  })
  .meta({ id: "PruneRequest", example: { olderThan: "7d", dryRun: true } });
export function registerExecutionPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/api/executions",
    operationId: "listExecutions",
    summary: "List executions",
    description: "Newest first, without params, result and logs. An org token sees its own org's only.",
    tags,
    request: {
      query: z.object({
        workflow: WorkflowFilter,
        status: ExecutionStatus.optional(),
        trigger: ExecutionTrigger.optional(),
        scope: ScopeFilter,
        ...CursorQuery,
        limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "Rows per page (default 50)" }),
      }),
    },
    responses: {
      200: {
        description: "Executions, newest first",
        headers: LinkHeaders,
        content: { "application/json": { schema: z.array(ExecutionSummary) } },
      },
      ...errors(400, ...AUTH_ERRORS, 403),
    },
  });

  registry.registerPath({
    method: "get",
    path: "/api/executions/stats",
    operationId: "executionStats",
    summary: "Count executions",
    description: "Counts by status, workflow and trigger, for a scope and a time window (on `createdAt`).",
    tags,
    request: {
      query: z.object({
        scope: ScopeFilter,
        since: Timestamp.optional().meta({ description: "From (inclusive)" }),
        until: Timestamp.optional().meta({ description: "Until (exclusive)" }),
      }),
    },
    responses: { 200: json("The counts", ExecutionStats), ...errors(400, ...AUTH_ERRORS, 403) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/executions/prune",
    operationId: "pruneExecutions",
    summary: "Delete old finished executions (admin)",
    description:
      "What the background retention does, now: finished executions (with their log lines) older than the given age. Audit rows stay.",
    tags,
    request: { body: { required: false, content: { "application/json": { schema: PruneRequest } } } },
    responses: { 200: json("How many went (or would go)", PruneResult), ...errors(400, ...AUTH_ERRORS, 403, 415) },
  });

  registry.registerPath({
    method: "get",
    path: "/api/executions/{id}",
    operationId: "getExecution",
    summary: "Read an execution",
    description: "While it runs, `logs` holds the lines stored so far (at most about a second behind).",
    tags,
    request: { params: IdParam },
    responses: { 200: json("The execution", ExecutionView), ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/executions/{id}/cancel",
    operationId: "cancelExecution",
    summary: "Cancel an execution",
    description:
      "A pending run is cancelled at once (200); a running one is signalled (`ctx.signal`) and answers 202 until it has stopped.",
    tags,
    request: { params: IdParam },
    responses: {
      200: json("Cancelled", ExecutionView),
      202: json("Cancelling", ExecutionView),
      ...errors(400, ...AUTH_ERRORS, 403, 404, 409),
    },
  });

  registry.registerPath({
    method: "get",
    path: "/api/executions/{id}/logs",
    operationId: "readExecutionLogs",
    summary: "Read an execution's log lines after a seq",
    description: "Poll with `after=<nextAfter>` until `status` is final.",
    tags,
    request: {
      params: IdParam,
      query: z.object({
        after: Seq.optional().meta({ description: "Lines with a larger seq (default 0: from the start)" }),
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .meta({ description: "Lines per answer (default and most: 1000)" }),
      }),
    },
    responses: { 200: json("The lines and the run's status", LogPage), ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });

  registry.registerPath({
    method: "get",
    path: "/api/executions/{id}/events",
    operationId: "followExecution",
    summary: "Follow an execution live (Server-Sent Events)",
    description:
      'A `text/event-stream` of `log` events (`id:` the line\'s seq, `data:` an ExecutionLog) and `status` events (`data: {"status": ...}`), closed when the run ends. Reconnect with `Last-Event-ID` (or `after=`) to resume after the last line seen.',
    tags,
    request: {
      params: IdParam,
      query: z.object({ after: Seq.optional().meta({ description: "Start after this seq" }) }),
      headers: z.object({
        "Last-Event-ID": z.string().optional().meta({ description: "The seq of the last line seen (a reconnect)" }),
      }),
    },
    responses: {
      200: {
        description: "The event stream",
        content: {
          "text/event-stream": {
            schema: z.string().meta({
              example:
                'id: 1\nevent: log\ndata: {"seq":1,"at":"2026-12-06T10:00:00.000Z","level":"info","message":"charging 42"}\n\nevent: status\ndata: {"status":"success"}\n\n',
            }),
          },
        },
      },
      ...errors(400, ...AUTH_ERRORS, 403, 404),
    },
  });
}
