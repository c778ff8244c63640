import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import type { Execution } from "../storage/generated/sqlite/client.ts";
import type { ExecutionStatus } from "./execution-status.ts";
import type { ExecutionTrigger } from "./execution-trigger.ts";

export type ExecutionRow = Execution;

/** An execution as the API shows it. Result, error and logs were scrubbed before they were stored. */
export interface ExecutionView {
  id: string;
  workflow: string;
  /** "global" or the org's id. */
  scope: string;
  org: { id: string; name: string } | null;
  status: ExecutionStatus;
  /** What asked for the run. */
  trigger: ExecutionTrigger;
  /** `<hostname>:<pid>` of the worker that took it last; null until one did. */
  workerId: string | null;
  params: unknown;
  result: unknown;
  error: string | null;
  logs: ExecutionLogEntry[];
  /** Runs started so far (more than 1 after retries or an interrupted run). */
  attempts: number;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** For a cancelled run: the actor who asked to cancel it (absent when not recorded). */
  cancelledBy?: string;
}

/** A list row: the view without the potentially large params, result and logs. */
export type ExecutionSummary = Omit<ExecutionView, "params" | "result" | "logs">;

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

export function toExecutionView(row: ExecutionRow, orgName: string | null): ExecutionView {
  return {
    ...toExecutionSummary(row, orgName),
    params: JSON.parse(row.params),
    result: row.result === null ? null : JSON.parse(row.result),
    logs: JSON.parse(row.logs),
  };
}
