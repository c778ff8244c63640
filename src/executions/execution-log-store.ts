import type { ExecutionLogEntry } from "../../sdk/execution-context.ts";
import { join, sql, type Database } from "../storage/database.ts";
import type { SqlStatement } from "../storage/direct-sql.ts";

/** A stored log line: `seq` is 1, 2, 3, ... per execution. */
export interface StoredLogEntry extends ExecutionLogEntry {
  seq: number;
}

/** The most lines one read returns (`GET /api/executions/:id/logs` pages with `after=`). */
export const MAX_LOG_READ = 1_000;

interface LogRow {
  seq: number;
  at: Date;
  level: string;
  message: string;
}

/**
 * The `execution_logs` table: a run's lines, stored in small batches while it runs (already
 * scrubbed, see workers/live-log.ts). Rows go with their execution (ON DELETE CASCADE).
 */
export class ExecutionLogStore {
  constructor(private readonly db: Database) {}

  /**
   * Stores `entries` as `firstSeq`, `firstSeq + 1`, ... in one statement, through the bookkeeping
   * batches. A seq already taken (an attempt a stalled check handed to another worker while this
   * one still ran) keeps its first line: the conflict is skipped, not an error.
   */
  async append(executionId: string, firstSeq: number, entries: ExecutionLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const values = entries.map(
      (e, i) => sql`(${executionId}, ${firstSeq + i}, ${new Date(e.at)}, ${e.level}, ${e.message})`,
    );
    await this.db.bookkeeping.write(
      sql`INSERT INTO "execution_logs" ("executionId", "seq", "at", "level", "message") VALUES ${join(values)} ON CONFLICT DO NOTHING`,
    );
  }

  /** One line after every line stored so far (a claim's note, the sweeper's "interrupted"): the seq is taken in the statement. */
  static appendAfterLastStatement(executionId: string, entry: ExecutionLogEntry): SqlStatement {
    return sql`INSERT INTO "execution_logs" ("executionId", "seq", "at", "level", "message")
      SELECT ${executionId}, COALESCE(MAX("seq"), 0) + 1, ${new Date(entry.at)}, ${entry.level}, ${entry.message} FROM "execution_logs" WHERE "executionId" = ${executionId}`;
  }

  async appendAfterLast(executionId: string, entry: ExecutionLogEntry): Promise<void> {
    await this.db.bookkeeping.write(ExecutionLogStore.appendAfterLastStatement(executionId, entry));
  }

  /** The last seq stored for the execution, 0 when none. */
  async lastSeq(executionId: string): Promise<number> {
    const rows = await this.db.direct.query<{ last: number | bigint | null }>(
      sql`SELECT MAX("seq") AS "last" FROM "execution_logs" WHERE "executionId" = ${executionId}`,
    );
    return Number(rows[0]?.last ?? 0);
  }

  /** Lines with a seq above `after`, in order, at most `limit`. */
  async after(executionId: string, after: number, limit: number = MAX_LOG_READ): Promise<StoredLogEntry[]> {
    const rows = await this.db.direct.query<LogRow>(
      sql`SELECT "seq", "at", "level", "message" FROM "execution_logs" WHERE "executionId" = ${executionId} AND "seq" > ${after} ORDER BY "seq" LIMIT ${limit}`,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: toDate(r.at).toISOString(),
      level: r.level as ExecutionLogEntry["level"],
      message: r.message,
    }));
  }

  /** Every line of the execution, in order (a run keeps at most ~10,000 a attempt). */
  async all(executionId: string): Promise<StoredLogEntry[]> {
    const lines: StoredLogEntry[] = [];
    for (;;) {
      const page = await this.after(executionId, lines.at(-1)?.seq ?? 0, 5_000);
      lines.push(...page);
      if (page.length < 5_000) return lines;
    }
  }
}

/** `MAX`/aggregates and some drivers hand dates back as text. */
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}
