import type { BatchOptions, DirectSql, SqlStatement, StatementResult } from "./direct-sql.ts";

interface Pending {
  statement: SqlStatement;
  resolve: (result: StatementResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: write statements asked for while a batch is being written (or in the same
 * synchronous stretch of code) share the next transaction, sent as one batch (`DirectSql.batch`:
 * one round trip on PostgreSQL), so under load many small writes cost one commit (one fsync, one
 * lock round, one wait for the server) instead of one each, and an idle system still writes at
 * once: the first write of a quiet period waits for a microtask, not for a turn of the event
 * loop (which a request waiting on the write, e.g. `wait=` on a run, would feel).
 *
 * Each statement keeps its own result. When a batch fails, its statements are tried again one
 * transaction each, so one bad write (a constraint, a value too large) fails alone and cannot take
 * the others' data with it. A statement must therefore be safe to run after a rolled-back attempt,
 * which a single statement always is.
 *
 * `lanes` batches may be in flight at once. One is right for SQLite (one writer per file anyway);
 * on PostgreSQL several connections writing side by side keep the server busy while each waits.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Pick<DirectSql, "batch">,
    private readonly options: BatchOptions & {
      /** Batches written at once (see above). */
      lanes?: number;
      /** The most statements one transaction takes: bounds how long the write lock is held. */
      maxBatch?: number;
    } = {},
  ) {}

  write(statement: SqlStatement): Promise<StatementResult> {
    return new Promise<StatementResult>((resolve, reject) => {
      this.queue.push({ statement, resolve, reject });
      this.schedule();
    });
  }

  /** A free lane takes the queue after the current synchronous code, so the writes it asked for share a batch. */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= (this.options.lanes ?? 1)) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.lane();
    });
  }

  private async lane(): Promise<void> {
    if (this.queue.length === 0 || this.inFlight >= (this.options.lanes ?? 1)) return;
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 200);
        this.schedule();
        await this.commit(batch);
      }
    } finally {
      this.inFlight--;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.db.batch(batch.map((item) => item.statement), this.options);
        batch.forEach((item, i) => item.resolve(results[i]));
        return;
      } catch {
        // Fall through: find the write that failed, and let the others land.
      }
    }
    for (const item of batch) {
      try {
        item.resolve((await this.db.batch([item.statement], this.options))[0]);
      } catch (error) {
        item.reject(error);
      }
    }
  }
}
