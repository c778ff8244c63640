import { z } from "zod";
import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import type { StoredLogEntry } from "./execution-log-store.ts";
import type { Execution } from "../storage/generated/sqlite/client.ts";
import { OrgRefView, ScopeId, Timestamp } from "../views/view-fields.ts";
import { ExecutionStatus } from "./execution-status.ts";
import { ExecutionTrigger } from "./execution-trigger.ts";

export type ExecutionRow = Execution;

/** One line a run logged, scrubbed of secrets before it was stored. */
export const ExecutionLogView = z
  .object({
    seq: z
      .number()
      .int()
      .meta({ description: "1, 2, 3, ... per execution: read on with `GET /api/executions/{id}/logs?after=<seq>`" }),
    at: Timestamp,
    level: z.enum(["debug", "info", "warn", "error"]),
    message: z.string().meta({ example: "charging 42" }),
  })
  .meta({ id: "ExecutionLog", description: "A line the run logged, scrubbed of secrets" });
// The SDK declares the same shape for workflow authors (it imports nothing from src/): keep them equal.
type LogLine = Omit<z.infer<typeof ExecutionLogView>, "seq">;
const logsAgree: [LogLine, ExecutionLogEntry] extends [ExecutionLogEntry, LogLine] ? true : never = true;
void logsAgree;

/** A list row: an execution without the potentially large params, result and logs. */
export const ExecutionSummary = z
  .object({
    id: z.string().meta({ example: "0f8e6a52-3c1b-4d7e-8f0a-2b9c4d5e6f70" }),
    workflow: z.string().meta({ example: "charge_card" }),
    scope: ScopeId,
    org: OrgRefView.nullable(),
    status: ExecutionStatus,
    trigger: ExecutionTrigger,
    workerId: z
      .string()
      .nullable()
      .meta({ description: "`<hostname>:<pid>` of the worker that took it last; null until one did" }),
    error: z.string().nullable().meta({ description: "Scrubbed of secrets" }),
    attempts: z
      .number()
      .int()
      .meta({ description: "Runs started so far (more than 1 after retries or an interrupted run)" }),
    createdAt: Timestamp,
    createdBy: z.string(),
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    durationMs: z.number().int().nullable(),
    cancelledBy: z.string().optional().meta({
      description: "For a cancelled run: the actor who asked to cancel it (absent when not recorded)",
      example: "token:ops",
    }),
  })
  .meta({ id: "ExecutionSummary", description: "An execution as lists show it (without params, result and logs)" });
export type ExecutionSummary = z.infer<typeof ExecutionSummary>;

/** An execution as the API shows it. Result, error and logs were scrubbed before they were stored. */
export const ExecutionView = ExecutionSummary.extend({
  params: z.unknown().meta({ description: "The params it was started with", example: { amount: 42 } }),
  result: z.unknown().meta({
    description: "The workflow's return value (null until it succeeds), scrubbed of secrets",
    example: { charged: 42 },
  }),
  logs: z.array(ExecutionLogView),
}).meta({ id: "Execution", description: "One execution: status, params, result, error and logs" });
export type ExecutionView = z.infer<typeof ExecutionView>;

export function toExecutionSummary(row: ExecutionRow, orgName: string | null): ExecutionSummary {
  return {
    id: row.id,
    workflow: row.workflow,
    scope: row.scope,
    org: row.orgId ? { id: row.orgId, name: orgName ?? "(deleted org)" } : null,
    status: row.status as ExecutionStatus,
    trigger: row.trigger as ExecutionTrigger,
    workerId: row.workerId,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    durationMs: row.durationMs,
  };
}

/** @param logs the execution's stored lines (execution_logs) */
export function toExecutionView(row: ExecutionRow, orgName: string | null, logs: StoredLogEntry[]): ExecutionView {
  return {
    ...toExecutionSummary(row, orgName),
    params: JSON.parse(row.params),
    result: row.result === null ? null : JSON.parse(row.result),
    logs,
  };
}

/**
 * Lines of a run stored before logs had a table of their own (the `logs` column, a JSON array),
 * numbered as the table numbers them.
 */
export function legacyLogs(row: ExecutionRow): StoredLogEntry[] {
  if (row.logs === "[]" || row.logs === "") return [];
  return (JSON.parse(row.logs) as Omit<StoredLogEntry, "seq">[]).map((entry, i) => ({ ...entry, seq: i + 1 }));
}
