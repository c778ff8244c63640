import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import { scopeId, type Scope } from "../orgs/index.ts";
import { join, sql, type Database } from "../storage/database.ts";
import { isUniqueViolation } from "../storage/database-errors.ts";
import type { SqlStatement } from "../storage/direct-sql.ts";
import { ExecutionKeys } from "./execution-keys.ts";
import { ExecutionLogStore } from "./execution-log-store.ts";
import type { ExecutionStatus, FinalStatus } from "./execution-status.ts";
import type { ExecutionTrigger } from "./execution-trigger.ts";
import type { ExecutionRow } from "./execution-view.ts";
import type { ExecutionStats } from "./execution-stats-view.ts";

/**
 * What a run may change besides its own scope's configs: "admin" when an admin token started it
 * (global configs too), "scope" otherwise (an org token's run, a schedule's, a webhook's).
 */
export type RunAuthority = "admin" | "scope";

/** What a run produced, already scrubbed. */
export interface ExecutionOutcome {
  status: FinalStatus;
  /** JSON text, as stored (scrubbed); null when the run returned nothing or failed. */
  result: string | null;
  error: string | null;
  /** This attempt's log, scrubbed: the worker stored it while the run went (workers/live-log.ts). */
  logs: ExecutionLogEntry[];
}

export interface NewExecution {
  id: string;
  workflow: string;
  scope: Scope;
  params: unknown;
  createdBy: string;
  hasUserConfig: boolean;
  /** Default "scope". */
  authority?: RunAuthority;
  /** Default "api". */
  trigger?: ExecutionTrigger;
  /** A run refused before it could start, recorded as failed with this error (a schedule's fire). */
  ended?: { error: string };
}

export type { ExecutionStats };

export interface ExecutionFilter {
  workflow?: string;
  status?: ExecutionStatus;
  trigger?: ExecutionTrigger;
  /** "global" or an org id. */
  scope?: string;
  limit: number;
  /** Rows after this one in the order (createdAt desc, id desc): the cursor of the page before. */
  before?: { createdAt: Date; id: string };
}

/**
 * The executions table and its state machine. Every transition is one conditional UPDATE on
 * (status, attempts), so two processes racing on one execution (a cancel and a worker, two workers
 * after a stall, the sweeper and a finishing worker) cannot both win: the loser sees `false`.
 *
 * The statements every run makes (create, find, claim, finish) are SQL run on the driver
 * (`db.direct`), not Prisma queries, and their writes share transactions (GroupCommit): through
 * Prisma they were most of a run's cost (`npm run bench:profile`). The SQL is the same on both
 * databases (quoted identifiers; `sql` writes each driver's placeholders).
 */
export class ExecutionStore {
  readonly keys: ExecutionKeys;
  /** The runs' log lines (their own table, written while runs go). */
  readonly logs: ExecutionLogStore;

  constructor(private readonly db: Database) {
    this.keys = new ExecutionKeys(db);
    this.logs = new ExecutionLogStore(db);
  }

  /**
   * A conditional UPDATE in a write transaction: on SQLite that takes the write lock first, so a
   * writer in another process (API and workers share the file) makes it wait instead of failing
   * with SQLITE_BUSY(_SNAPSHOT) when Prisma's implicit read would have to upgrade.
   */
  private update(args: Parameters<Database["prisma"]["execution"]["updateMany"]>[0], lines: ExecutionLogEntry[] = []) {
    return this.db.write(async (tx) => {
      const updated = await tx.execution.updateMany(args);
      // The transition and its log lines (after every line stored so far) land together.
      if (updated.count === 1)
        for (const line of lines)
          await tx.$executeRaw(ExecutionLogStore.appendAfterLastStatement(args.where!.id as string, line));
      return updated;
    });
  }

  /** A new row, pending unless `ended` says how it ended before it could start (a fire refused). */
  static newRow(input: NewExecution): ExecutionRow {
    const now = new Date();
    return {
      id: input.id,
      workflow: input.workflow,
      scope: scopeId(input.scope),
      orgId: input.scope.kind === "org" ? input.scope.org.id : null,
      status: input.ended ? "failed" : "pending",
      params: JSON.stringify(input.params ?? {}),
      result: null,
      error: input.ended?.error ?? null,
      logs: "[]",
      attempts: 0,
      hasUserConfig: input.hasUserConfig,
      trigger: input.trigger ?? "api",
      workerId: null,
      createdAt: now,
      createdBy: input.createdBy,
      startedAt: null,
      finishedAt: input.ended ? now : null,
      durationMs: null,
      authority: input.authority ?? "scope",
    };
  }

  async create(input: NewExecution): Promise<ExecutionRow> {
    const row = ExecutionStore.newRow(input);
    await this.db.bookkeeping.write(insertOf(row));
    return row;
  }

  /**
   * Writes `row` and claims `key` for it in one transaction (see ExecutionKeys).
   * @returns false, and writes nothing, when a live claim holds the key already
   */
  async createUnderKey(row: ExecutionRow, key: string): Promise<boolean> {
    try {
      // Bookkeeping, as `create`'s write is: not waiting for the disk (see Database.bookkeeping).
      await this.db.direct.batch([insertOf(row), ...this.keys.claim(row.scope, key, row.id, row.createdAt)], {
        waitForDisk: false,
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Undoes `create` when the job could not be queued, so a refused request leaves nothing behind (nor the key it claimed). */
  async discard(id: string, key?: { scope: string; key: string }): Promise<void> {
    await this.db.write((tx) => tx.execution.deleteMany({ where: { id, status: "pending", attempts: 0 } }));
    if (key) await this.keys.release(key.scope, key.key, id);
  }

  async find(id: string): Promise<ExecutionRow | null> {
    const rows = await this.db.direct.query<ExecutionRow>(sql`SELECT * FROM "executions" WHERE "id" = ${id}`);
    return rows[0] ?? null;
  }

  /** Newest first: a keyset read on (createdAt, id), on the composite index that leads with the filter. */
  list(filter: ExecutionFilter): Promise<ExecutionRow[]> {
    const { before } = filter;
    return this.db.prisma.execution.findMany({
      where: {
        workflow: filter.workflow,
        status: filter.status,
        scope: filter.scope,
        trigger: filter.trigger,
        ...(before
          ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: filter.limit,
    });
  }

  /** Counts by status, workflow and trigger (GROUP BY in the database, not by paging rows). */
  async stats(filter: { scope?: string; since?: Date; until?: Date }): Promise<ExecutionStats> {
    const where = { scope: filter.scope, createdAt: { gte: filter.since, lt: filter.until } };
    const count = async (by: "status" | "workflow" | "trigger") => {
      const groups = await this.db.prisma.execution.groupBy({ by: [by], where, _count: { _all: true } });
      return Object.fromEntries(groups.map((g) => [(g as Record<string, unknown>)[by] as string, g._count._all]));
    };
    const [byStatus, byWorkflow, byTrigger] = await Promise.all([count("status"), count("workflow"), count("trigger")]);
    return { byStatus, byWorkflow, byTrigger };
  }

  /** Rows not ended that were created before `before`, oldest first: the sweeper checks their jobs. */
  unfinished(before: Date, limit: number): Promise<ExecutionRow[]> {
    return this.db.prisma.execution.findMany({
      where: { status: { in: ["pending", "running"] }, createdAt: { lt: before } },
      orderBy: { createdAt: "asc" },
      take: limit,
    });
  }

  async orgNames(orgIds: (string | null)[]): Promise<Map<string, string>> {
    const ids = [...new Set(orgIds.filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const orgs = await this.db.direct.query<{ id: string; name: string }>(
      sql`SELECT "id", "name" FROM "orgs" WHERE "id" IN (${join(ids)})`,
    );
    return new Map(orgs.map((o) => [o.id, o.name]));
  }

  /**
   * A worker takes a queued run (the usual case, in one statement): pending moves to running with
   * one more attempt. @returns the claimed row, or null when the run is not pending (cancelled,
   * taken, interrupted: see `claim`).
   */
  async claimPending(id: string, workerId: string | null = null): Promise<ExecutionRow | null> {
    const now = new Date();
    const { rows } = await this.db.bookkeeping.write(
      sql`UPDATE "executions" SET "status" = 'running', "attempts" = "attempts" + 1, "startedAt" = COALESCE("startedAt", ${now}), "workerId" = ${workerId}
        WHERE "id" = ${id} AND "status" = 'pending' RETURNING *`,
    );
    return (rows[0] as ExecutionRow | undefined) ?? null;
  }

  /**
   * A worker takes the run: `row`, as the worker read it, moves to running with one more attempt;
   * `logs` (notes about the claim) follow the lines stored so far.
   * @returns the claimed row, or null when someone else changed it first (cancelled, taken).
   */
  async claim(
    row: ExecutionRow,
    logs: ExecutionLogEntry[],
    workerId: string | null = null,
  ): Promise<ExecutionRow | null> {
    const data = { status: "running", attempts: row.attempts + 1, startedAt: row.startedAt ?? new Date(), workerId };
    const { count } = await this.update(
      { where: { id: row.id, status: row.status, attempts: row.attempts }, data },
      logs,
    );
    return count === 1 ? { ...row, ...data } : null;
  }

  /**
   * Stores the outcome of the claimed run, unless the run was taken from this worker meanwhile.
   * @returns the ended row as stored (what a read would give now), or null when it was not stored
   */
  async finish(claimed: ExecutionRow, outcome: ExecutionOutcome): Promise<ExecutionRow | null> {
    const finishedAt = new Date();
    const durationMs = finishedAt.getTime() - (claimed.startedAt ?? finishedAt).getTime();
    const { result } = outcome;
    // The log is in its own table already (stored while the run went).
    const { count } = await this.db.bookkeeping.write(
      sql`UPDATE "executions" SET "status" = ${outcome.status}, "result" = ${result}, "error" = ${outcome.error}, "finishedAt" = ${finishedAt}, "durationMs" = ${durationMs}
        WHERE "id" = ${claimed.id} AND "status" = 'running' AND "attempts" = ${claimed.attempts}`,
    );
    return count === 1
      ? { ...claimed, status: outcome.status, result, error: outcome.error, finishedAt, durationMs }
      : null;
  }

  /** A failed attempt with retries left goes back to pending, keeping its logs and error. */
  async scheduleRetry(claimed: ExecutionRow, outcome: ExecutionOutcome, note: string): Promise<boolean> {
    const { count } = await this.update(
      {
        where: { id: claimed.id, status: "running", attempts: claimed.attempts },
        data: { status: "pending", error: outcome.error },
      },
      [{ at: new Date().toISOString(), level: "warn", message: note }],
    );
    return count === 1;
  }

  /** Ends a run that cannot produce an outcome (its worker died, its job vanished, its workflow is not loaded). */
  async fail(row: ExecutionRow, message: string): Promise<boolean> {
    const finishedAt = new Date();
    const { count } = await this.update(
      {
        where: { id: row.id, status: row.status, attempts: row.attempts },
        data: {
          status: "failed",
          error: message,
          finishedAt,
          durationMs: row.startedAt ? finishedAt.getTime() - row.startedAt.getTime() : null,
        },
      },
      [{ at: finishedAt.toISOString(), level: "error", message }],
    );
    return count === 1;
  }

  /** Cancels a run that no worker has started (it stays in the queue; workers skip ended runs). */
  async cancelPending(id: string): Promise<boolean> {
    const { count } = await this.update({
      where: { id, status: "pending" },
      data: { status: "cancelled", error: "Cancelled before it started", finishedAt: new Date() },
    });
    return count === 1;
  }
}

function insertOf(row: ExecutionRow): SqlStatement {
  return sql`INSERT INTO "executions" ("id", "workflow", "scope", "orgId", "status", "params", "error", "logs", "attempts", "hasUserConfig", "trigger", "createdAt", "createdBy", "finishedAt", "authority")
    VALUES (${row.id}, ${row.workflow}, ${row.scope}, ${row.orgId}, ${row.status}, ${row.params}, ${row.error}, ${row.logs}, ${row.attempts}, ${row.hasUserConfig}, ${row.trigger}, ${row.createdAt}, ${row.createdBy}, ${row.finishedAt}, ${row.authority})`;
}
