import type { BatchOptions, DirectSql, SqlStatement, StatementResult } from "./direct-sql.ts";

interface Pending {
  statement: SqlStatement;
  /** A read riding along (`query`): never retried as a transaction of its own. */
  read: boolean;
  resolve: (result: StatementResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: write statements asked for while a batch is being written (or before the next
 * tick) share the next transaction, sent as one batch (`DirectSql.batch`:
 * one round trip on PostgreSQL), so under load many small writes cost one commit (one fsync, one
 * lock round, one wait for the server) instead of one each, and an idle system still writes at
 * once: the first write of a quiet period waits for the next tick, not for a turn of the event
 * loop (which a request waiting on the write, e.g. `wait=` on a run, would feel). Busy (a batch
 * was taken within the last 2 ms), a lane waits for the turn's end: writes that arrive one event
 * each, as a workflow thread's messages do, each followed by its own ticks, then share a batch.
 *
 * Each statement keeps its own result. When a batch fails, its statements are tried again one
 * transaction each, so one bad write (a constraint, a value too large) fails alone and cannot take
 * the others' data with it (reads then run apart, at once). A statement must therefore be safe to
 * run after a rolled-back attempt, which a single statement always is.
 *
 * `lanes` batches may be in flight at once. One is right for SQLite (one writer per file anyway);
 * on PostgreSQL several connections writing side by side keep the server busy while each waits.
 *
 * Reads may ride along (`query`, with `readsAlong`): a worker claiming a run also reads the run's
 * org and its scope's config revisions (claim-reads.ts), and on PostgreSQL three round trips at
 * once (three server processes woken on a machine's few cores) took longer than one carrying all
 * three (two cores, alternating runs: `wait=` p50 4.6 → 4.1 ms, org runs/s 2,400 → 2,900).
 */
/** A batch taken this recently means more writes are coming: gather them for the end of the loop's turn. */
const BUSY_WINDOW_MS = 2;

export class GroupCommit {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** When the last batch was taken (performance.now()). */
  private lastBatchAt = -Infinity;

  constructor(
    private readonly db: Pick<DirectSql, "batch" | "query">,
    private readonly options: BatchOptions & {
      /** Batches written at once (see above). */
      lanes?: number;
      /**
       * `query` joins a batch being gathered. Right where a round trip is what a read costs
       * (PostgreSQL); not on SQLite, where a read is a synchronous call and a batch holds the write lock.
       */
      readsAlong?: boolean;
      /** The most statements one transaction takes: bounds how long the write lock is held. */
      maxBatch?: number;
    } = {},
  ) {}

  write(statement: SqlStatement): Promise<StatementResult> {
    return this.enqueue(statement, false);
  }

  /**
   * A read (as DirectSql's: a GroupCommit can stand where a reader is asked for) that joins the
   * batch being gathered when writes are waiting for one (one round trip for all), else runs on its
   * own. In the batch it runs inside the batch's transaction, after the batch's earlier writes (if
   * the batch fails, it runs apart at once). When every lane is busy it waits with those writes for
   * the next one: its caller, a worker claiming a run, waits for its claim in that batch anyway.
   */
  async query<T>(statement: SqlStatement): Promise<T[]> {
    if (!this.options.readsAlong || this.queue.length === 0) return this.db.query<T>(statement);
    return (await this.enqueue(statement, true)).rows as T[];
  }

  private enqueue(statement: SqlStatement, read: boolean): Promise<StatementResult> {
    return new Promise<StatementResult>((resolve, reject) => {
      this.queue.push({ statement, read, resolve, reject });
      this.schedule();
    });
  }

  /**
   * A free lane takes the queue once the current code and what it set off for `process.nextTick`
   * have run: the writes asked for meanwhile share a batch, and so do reads deferred to the next
   * tick (claim-reads.ts relies on it).
   */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= (this.options.lanes ?? 1)) return;
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      void this.lane();
    };
    if (performance.now() - this.lastBatchAt < BUSY_WINDOW_MS) setImmediate(start);
    else process.nextTick(() => queueMicrotask(start));
  }

  private async lane(): Promise<void> {
    if (this.queue.length === 0 || this.inFlight >= (this.options.lanes ?? 1)) return;
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 200);
        this.lastBatchAt = performance.now();
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
        const results = await this.db.batch(
          batch.map((item) => item.statement),
          this.options,
        );
        batch.forEach((item, i) => item.resolve(results[i]));
        return;
      } catch {
        // Fall through: find the write that failed, and let the others land; the reads need
        // not wait for that.
      }
    }
    for (const item of batch.filter((item) => item.read)) {
      this.db
        .query<Record<string, unknown>>(item.statement)
        .then((rows) => item.resolve({ rows, count: 0 }), item.reject);
    }
    for (const item of batch) {
      if (item.read) continue;
      try {
        item.resolve((await this.db.batch([item.statement], this.options))[0]);
      } catch (error) {
        item.reject(error);
      }
    }
  }
}
