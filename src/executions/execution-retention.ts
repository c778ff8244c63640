import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../logging/logger.ts";
import { join, sql, type Database } from "../storage/database.ts";
import type { PruneResult } from "./prune-result-view.ts";

/** Rows one statement deletes: short transactions, so running work never waits long behind a prune. */
export const PRUNE_BATCH = 500;
const DAY_MS = 86_400_000;

export type { PruneResult };

/**
 * Deletes finished executions (with their log lines) and audit rows past their retention, in
 * batches of PRUNE_BATCH rows, each its own short transaction, with a turn of the event loop
 * between. Runs on a timer in every API process; a Redis lock (SET NX PX) lets one run a pass.
 */
export class ExecutionRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly settings: {
      executionRetentionDays: number | "never";
      auditRetentionDays: number | "never";
      retentionIntervalMs: number;
    },
  ) {}

  start(): void {
    if (this.settings.executionRetentionDays === "never" && this.settings.auditRetentionDays === "never") return;
    this.timer = setInterval(() => void this.tick(), this.settings.retentionIntervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.pass().finally(() => (this.running = null));
    await this.running;
  }

  /** One pass, if this process gets the lock (held for one interval: one pass an interval, platform-wide). */
  private async pass(): Promise<void> {
    try {
      const got = await this.redis.set(
        `${this.prefix}:retention:lock`,
        randomUUID(),
        "PX",
        this.settings.retentionIntervalMs,
        "NX",
      );
      if (got !== "OK") return;
      const { executionRetentionDays: days, auditRetentionDays: auditDays } = this.settings;
      if (days !== "never") {
        const result = await this.pruneExecutions(new Date(Date.now() - days * DAY_MS));
        if (result.executions > 0) this.logger.info(result, "retention: old executions deleted");
      }
      if (auditDays !== "never") {
        const deleted = await this.pruneAudit(new Date(Date.now() - auditDays * DAY_MS));
        if (deleted > 0) this.logger.info({ auditRows: deleted }, "retention: old audit rows deleted");
      }
    } catch (error) {
      this.logger.warn({ err: error }, "retention pass failed; the next one tries again");
    }
  }

  /** Deletes (or counts, `dryRun`) the executions that ended before `before`, and their lines. */
  async pruneExecutions(before: Date, dryRun = false): Promise<PruneResult> {
    const result: PruneResult = { executions: 0, logLines: 0, before: before.toISOString(), dryRun };
    const ended = sql`"finishedAt" < ${before} AND "status" IN ('success', 'failed', 'timeout', 'cancelled')`;
    if (dryRun) {
      const [counted] = await this.db.direct.query<{ n: number | bigint }>(
        sql`SELECT COUNT(*) AS "n" FROM "executions" WHERE ${ended}`,
      );
      const [lines] = await this.db.direct.query<{ n: number | bigint }>(
        sql`SELECT COUNT(*) AS "n" FROM "execution_logs" WHERE "executionId" IN (SELECT "id" FROM "executions" WHERE ${ended})`,
      );
      return { ...result, executions: Number(counted.n), logLines: Number(lines.n) };
    }
    for (;;) {
      const ids = (
        await this.db.direct.query<{ id: string }>(
          sql`SELECT "id" FROM "executions" WHERE ${ended} LIMIT ${PRUNE_BATCH}`,
        )
      ).map((r) => r.id);
      if (ids.length === 0) return result;
      // Lines first (the foreign key cascades too, but a count is worth having), then the rows, in one transaction.
      const [lines, rows] = await this.db.direct.batch([
        sql`DELETE FROM "execution_logs" WHERE "executionId" IN (${join(ids)})`,
        sql`DELETE FROM "executions" WHERE "id" IN (${join(ids)}) AND ${ended}`,
      ]);
      result.logLines += lines.count;
      result.executions += rows.count;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Deletes audit rows written before `before`, in batches. */
  async pruneAudit(before: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = (
        await this.db.direct.query<{ id: number }>(
          sql`SELECT "id" FROM "audit_events" WHERE "at" < ${before} ORDER BY "id" LIMIT ${PRUNE_BATCH}`,
        )
      ).map((r) => r.id);
      if (ids.length === 0) return deleted;
      const [{ count }] = await this.db.direct.batch([sql`DELETE FROM "audit_events" WHERE "id" IN (${join(ids)})`]);
      deleted += count;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
