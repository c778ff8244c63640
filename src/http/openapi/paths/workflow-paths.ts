import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ExecutionView } from "../../../executions/execution-view.ts";
import { MAX_WAIT_MS } from "../../../executions/execution-routes.ts";
import { WorkflowList } from "../../../workflows/workflow-view.ts";
import { AUTH_ERRORS, ScopeQuery, errors, json } from "../openapi-helpers.ts";

export function registerWorkflowPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/api/workflows",
    operationId: "listWorkflows",
    summary: "List workflows",
    description: "The workflows that can run (params as JSON Schema) and the files that failed to load.",
    tags: ["Workflows"],
    responses: { 200: json("Workflows and load errors", WorkflowList), ...errors(...AUTH_ERRORS) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/workflows/{name}/executions",
    operationId: "runWorkflow",
    summary: "Run a workflow",
    description:
      "Starts an execution in the scope (202), or with `wait=<ms>` waits for its end (200 with the finished execution; 202 if still running when the wait ends). `Config-<Name>` request headers are per-user config for this run only (case-insensitive; scrubbed like secrets).",
    tags: ["Executions"],
    request: {
      params: z.object({ name: z.string().meta({ description: "Workflow name", example: "charge_card" }) }),
      query: z.object({
        scope: ScopeQuery,
        wait: z.coerce
          .number()
          .int()
          .min(0)
          .max(MAX_WAIT_MS)
          .optional()
          .meta({ description: "Milliseconds to wait for the end" }),
      }),
      headers: z.object({
        "Idempotency-Key": z.string().min(1).max(200).optional().meta({
          description:
            "A repeat with the same key in the same scope within 24 h answers the first execution (with `Idempotent-Replayed: true`) and starts nothing",
        }),
        "Bifrost-Trigger": z
          .enum(["cli", "console"])
          .optional()
          .meta({ description: "What asks for the run (default `api`)" }),
      }),
      body: {
        required: false,
        content: {
          "application/json": {
            schema: z
              .strictObject({
                params: z.unknown().optional().meta({ description: "Checked against the workflow's params schema" }),
              })
              .meta({ example: { params: { amount: 42 } } }),
          },
        },
      },
    },
    responses: {
      200: json("Finished within `wait`", ExecutionView),
      202: {
        description: "Started (or still running when the wait ended)",
        headers: z.object({
          "Idempotent-Replayed": z
            .literal("true")
            .optional()
            .meta({ description: "This answers an earlier request with the same Idempotency-Key" }),
        }),
        content: { "application/json": { schema: ExecutionView } },
      },
      ...errors(400, ...AUTH_ERRORS, 403, 404, 409, 413, 415, 422, 503),
    },
  });
}
