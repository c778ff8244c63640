import { z } from "zod";
import type { Schedule } from "../storage/generated/sqlite/client.ts";
import { OrgRefView, ScopeId, Timestamp } from "../views/view-fields.ts";

export type ScheduleRow = Schedule;

export const Overlap = z
  .enum(["skip", "allow"])
  .meta({ description: "skip: no new run while the last is pending or running; allow: run anyway" });
export type Overlap = z.infer<typeof Overlap>;

/** A schedule as the API shows it (../shared/CONTRACT.md, "Schedules"). */
export const ScheduleView = z
  .object({
    id: z.string(),
    workflow: z.string().meta({ example: "nightly_report" }),
    scope: ScopeId.meta({ description: '"global" or the org id: the scope its runs act for' }),
    org: OrgRefView.nullable(),
    cron: z.string().meta({ description: "5 fields, or 6 with seconds first", example: "0 3 * * *" }),
    timezone: z.string().meta({ description: "IANA time zone", example: "Europe/Amsterdam" }),
    params: z.unknown().meta({ description: "The params of every run it starts" }),
    enabled: z.boolean(),
    overlap: Overlap,
    nextRunAt: Timestamp.nullable().meta({ description: "When it fires next; null while paused" }),
    lastRunAt: Timestamp.nullable(),
    lastExecutionId: z.string().nullable(),
    createdAt: Timestamp,
    createdBy: z.string(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
  })
  .meta({ id: "Schedule", description: "A workflow run on a cron schedule" });
export type ScheduleView = z.infer<typeof ScheduleView>;

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
