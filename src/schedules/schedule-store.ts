import { sql, type Database, type Transaction } from "../storage/database.ts";
import type { ScheduleRow } from "./schedule-view.ts";

export interface ScheduleFilter {
  /** "global" or an org id; every scope when omitted. */
  scope?: string;
  workflow?: string;
}

/** What a job scheduler in Redis is built from. */
export type SchedulerSpec = Pick<ScheduleRow, "id" | "workflow" | "cron" | "timezone">;

/** Every query of the schedules table. */
export class ScheduleStore {
  constructor(private readonly db: Database) {}

  find(id: string): Promise<ScheduleRow | null> {
    return this.db.prisma.schedule.findUnique({ where: { id } });
  }

  /** Oldest first. */
  list(filter: ScheduleFilter): Promise<ScheduleRow[]> {
    return this.db.prisma.schedule.findMany({
      where: { scope: filter.scope, workflow: filter.workflow },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
  }

  create(
    tx: Transaction,
    row: Omit<ScheduleRow, "createdAt" | "updatedAt" | "lastRunAt" | "lastExecutionId">,
  ): Promise<ScheduleRow> {
    return tx.schedule.create({ data: row });
  }

  update(
    tx: Transaction,
    id: string,
    data: Partial<Pick<ScheduleRow, "cron" | "timezone" | "params" | "enabled" | "overlap" | "updatedBy">>,
  ): Promise<ScheduleRow> {
    return tx.schedule.update({ where: { id }, data });
  }

  async delete(tx: Transaction, id: string): Promise<boolean> {
    return (await tx.schedule.deleteMany({ where: { id } })).count === 1;
  }

  /** The schedules Redis must hold a job scheduler for. */
  enabled(): Promise<SchedulerSpec[]> {
    return this.db.prisma.schedule.findMany({
      where: { enabled: true },
      select: { id: true, workflow: true, cron: true, timezone: true },
    });
  }

  /**
   * Records a fire's run; an earlier fire stored later (a retried job) does not move them back.
   * Not a change by anyone: `updatedAt` stays. Bookkeeping, as a run's own rows are: it does not
   * wait for the disk (see Database.bookkeeping).
   */
  async markFired(id: string, firedAt: Date, executionId: string): Promise<void> {
    await this.db.bookkeeping.write(
      sql`UPDATE "schedules" SET "lastRunAt" = ${firedAt}, "lastExecutionId" = ${executionId} WHERE "id" = ${id} AND ("lastRunAt" IS NULL OR "lastRunAt" < ${firedAt})`,
    );
  }

  async orgNames(orgIds: (string | null)[]): Promise<Map<string, string>> {
    const ids = [...new Set(orgIds.filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const orgs = await this.db.prisma.org.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(orgs.map((o) => [o.id, o.name]));
  }
}
