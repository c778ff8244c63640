import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AuditLog } from "../audit/index.ts";
import { ValidationError, WorkflowNotFoundError, type ValidationIssue } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import { scopeId, type Scope } from "../orgs/index.ts";
import type { Database } from "../storage/database.ts";
import type { WorkflowCatalog } from "../workflows/index.ts";
import { cronProblem, shortestInterval, timezoneProblem } from "./cron-schedule.ts";
import { NextFires } from "./next-fires.ts";
import type { ScheduleQueue } from "./schedule-queue.ts";
import type { ScheduleFilter, ScheduleStore } from "./schedule-store.ts";
import { toScheduleView, type ScheduleRow, type ScheduleView } from "./schedule-view.ts";

const Text = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((text) => !text.includes("\u0000"), "must not contain NUL characters");

export const ScheduleCreate = z.strictObject({
  workflow: z.string().min(1).max(100),
  cron: Text(200),
  timezone: Text(100).default("UTC"),
  params: z.unknown().optional(),
  enabled: z.boolean().default(true),
  overlap: z.enum(["skip", "allow"]).default("skip"),
});
export type ScheduleCreate = z.input<typeof ScheduleCreate>;

/** What a PATCH may change; the workflow and the scope stay (delete and create again for another). */
export const SchedulePatch = z.strictObject({
  cron: Text(200).optional(),
  timezone: Text(100).optional(),
  params: z.unknown().optional(),
  enabled: z.boolean().optional(),
  overlap: z.enum(["skip", "allow"]).optional(),
});
export type SchedulePatch = z.input<typeof SchedulePatch>;

export interface ScheduleServiceOptions {
  /** BIFROST_SCHEDULE_MIN_INTERVAL_S. */
  minIntervalS: number;
}

/**
 * The rules of schedules: a cron of 5 or 6 fields in an IANA time zone, firing no more often than
 * BIFROST_SCHEDULE_MIN_INTERVAL_S, for a loaded workflow with params its schema accepts, acting
 * for its own scope; every change audited. The row is the truth: after writing it, the job
 * scheduler in Redis is changed to match, and when Redis cannot be reached the workers' sync
 * (ScheduleSync) brings it in line once it is back.
 */
export class ScheduleService {
  private readonly nextFires = new NextFires();

  constructor(
    private readonly db: Database,
    private readonly store: ScheduleStore,
    private readonly audit: AuditLog,
    private readonly catalog: WorkflowCatalog,
    private readonly queue: ScheduleQueue | null,
    private readonly logger: Logger,
    private readonly options: ScheduleServiceOptions,
  ) {}

  async create(scope: Scope, body: unknown, actor: string): Promise<ScheduleView> {
    const input = parse(ScheduleCreate, body);
    const cron = normalizeCron(input.cron);
    this.checkTiming({ cron, timezone: input.timezone });
    await this.checkWorkflow(input.workflow, input.params);
    const id = randomUUID();
    const row = await this.db.write(async (tx) => {
      const created = await this.store.create(tx, {
        id,
        scope: scopeId(scope),
        orgId: scope.kind === "org" ? scope.org.id : null,
        workflow: input.workflow,
        cron,
        timezone: input.timezone,
        params: JSON.stringify(input.params ?? {}),
        enabled: input.enabled,
        overlap: input.overlap,
        createdBy: actor,
        updatedBy: actor,
      });
      await this.audit.record(tx, {
        actor,
        action: "schedule.create",
        scope: created.scope,
        details: {
          schedule: id,
          workflow: created.workflow,
          cron,
          timezone: created.timezone,
          enabled: created.enabled,
          overlap: created.overlap,
        },
      });
      return created;
    });
    await this.syncRedis(row);
    return this.view(row, scope.kind === "org" ? scope.org.name : null);
  }

  async find(id: string): Promise<ScheduleRow | null> {
    return this.store.find(id);
  }

  async list(filter: ScheduleFilter): Promise<ScheduleView[]> {
    const rows = await this.store.list(filter);
    const names = await this.store.orgNames(rows.map((r) => r.orgId));
    return rows.map((row) => this.view(row, row.orgId ? (names.get(row.orgId) ?? null) : null));
  }

  async update(row: ScheduleRow, body: unknown, actor: string): Promise<ScheduleRow> {
    const patch = parse(SchedulePatch, body);
    const cron = patch.cron === undefined ? row.cron : normalizeCron(patch.cron);
    const timezone = patch.timezone ?? row.timezone;
    const params = patch.params === undefined ? JSON.parse(row.params) : patch.params;
    // Only what changes is checked: pausing a schedule must work even when its workflow is gone or
    // the minimum interval was raised after it was made.
    if (patch.cron !== undefined || patch.timezone !== undefined) this.checkTiming({ cron, timezone });
    if (patch.params !== undefined) await this.checkWorkflow(row.workflow, params);
    const data = {
      cron,
      timezone,
      params: JSON.stringify(params ?? {}),
      enabled: patch.enabled ?? row.enabled,
      overlap: patch.overlap ?? row.overlap,
    };
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((field) => data[field] !== row[field]);
    if (changed.length === 0) return row;
    const updated = await this.db.write(async (tx) => {
      const next = await this.store.update(tx, row.id, { ...data, updatedBy: actor });
      await this.audit.record(tx, {
        actor,
        action: "schedule.update",
        scope: row.scope,
        details: {
          schedule: row.id,
          workflow: row.workflow,
          changed: changed.join(","),
          cron,
          timezone,
          enabled: next.enabled,
          overlap: next.overlap,
        },
      });
      return next;
    });
    if (changed.some((field) => field === "cron" || field === "timezone" || field === "enabled"))
      await this.syncRedis(updated);
    return updated;
  }

  async delete(row: ScheduleRow, actor: string): Promise<void> {
    await this.db.write(async (tx) => {
      if (await this.store.delete(tx, row.id)) {
        await this.audit.record(tx, {
          actor,
          action: "schedule.delete",
          scope: row.scope,
          details: { schedule: row.id, workflow: row.workflow, cron: row.cron },
        });
      }
    });
    await this.syncRedis({ ...row, enabled: false });
  }

  async viewOf(row: ScheduleRow): Promise<ScheduleView> {
    const names = await this.store.orgNames([row.orgId]);
    return this.view(row, row.orgId ? (names.get(row.orgId) ?? null) : null);
  }

  private view(row: ScheduleRow, orgName: string | null): ScheduleView {
    return toScheduleView(row, orgName, row.enabled ? this.nextFires.of(row) : null);
  }

  /** The cron, its zone and how often it fires, each problem with its path. */
  private checkTiming(schedule: { cron: string; timezone: string }): void {
    const issues: ValidationIssue[] = [];
    const cronIssue = cronProblem(schedule.cron);
    if (cronIssue) issues.push({ path: "body.cron", message: cronIssue });
    const zoneIssue = timezoneProblem(schedule.timezone);
    if (zoneIssue) issues.push({ path: "body.timezone", message: zoneIssue });
    if (!cronIssue) {
      const seconds = shortestInterval(schedule.cron);
      if (seconds < this.options.minIntervalS) {
        issues.push({
          path: "body.cron",
          message: `fires as often as every ${seconds} s; a schedule may fire at most every ${this.options.minIntervalS} s (BIFROST_SCHEDULE_MIN_INTERVAL_S)`,
        });
      }
    }
    if (issues.length > 0) throw new ValidationError(issues);
  }

  /** The workflow must be loaded here and accept the params (checked in the catalog's thread). */
  private async checkWorkflow(workflow: string, params: unknown): Promise<void> {
    if (!this.catalog.get(workflow)) throw new WorkflowNotFoundError(workflow);
    await this.catalog.validateParams(workflow, params ?? {});
  }

  /** Makes Redis match `row`; when Redis is away, the workers' sync does it once it is back. */
  private async syncRedis(row: Pick<ScheduleRow, "id" | "workflow" | "cron" | "timezone" | "enabled">): Promise<void> {
    if (!this.queue) return;
    try {
      if (row.enabled) await this.queue.upsert(row);
      else await this.queue.remove(row.id);
    } catch (error) {
      this.logger.warn(
        { err: error, schedule: row.id },
        "could not update the schedule's job scheduler in Redis: the workers' sync will once Redis is back",
      );
    }
  }
}

/** Single spaces between fields: one spelling of an expression (bundles match schedules by it). */
export function normalizeCron(cron: string): string {
  return cron.trim().split(/\s+/).join(" ");
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, "body");
  return parsed.data;
}
