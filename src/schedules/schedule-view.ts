import type { Schedule } from "../storage/generated/sqlite/client.ts";

export type ScheduleRow = Schedule;

export type Overlap = "skip" | "allow";

/** A schedule as the API shows it (../shared/CONTRACT.md, "Schedules"). */
export interface ScheduleView {
  id: string;
  workflow: string;
  /** "global" or the org's id: the scope its runs act for. */
  scope: string;
  org: { id: string; name: string } | null;
  cron: string;
  timezone: string;
  params: unknown;
  enabled: boolean;
  overlap: Overlap;
  /** When it fires next; null while paused. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastExecutionId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export function toScheduleView(row: ScheduleRow, orgName: string | null, nextRunAt: Date | null): ScheduleView {
  return {
    id: row.id,
    workflow: row.workflow,
    scope: row.scope,
    org: row.orgId ? { id: row.orgId, name: orgName ?? "(deleted org)" } : null,
    cron: row.cron,
    timezone: row.timezone,
    params: JSON.parse(row.params),
    enabled: row.enabled,
    overlap: row.overlap as Overlap,
    nextRunAt: row.enabled && nextRunAt ? nextRunAt.toISOString() : null,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastExecutionId: row.lastExecutionId,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}
