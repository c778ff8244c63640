import type { DirectSql, SqlExecutor } from "./direct-sql.ts";

interface Pending<T> {
  write: (tx: SqlExecutor) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes asked for while a batch is being written (or within the same tick) share
 * the next transaction, so under load many small writes cost one commit (one fsync, one lock
 * round) instead of one each, and an idle system still writes at once (the first write of a quiet
 * period waits one tick, nothing more).
 *
 * Each write keeps its own result. When a batch fails, its writes are tried again one transaction
 * each, so one bad write (a constraint, a value too large) fails alone and cannot take the
 * others' data with it. A write must therefore be safe to run twice after a rolled-back attempt,
 * which every transaction already is.
 */
export class GroupCommit {
  private queue: Pending<unknown>[] = [];
  private flushing = false;

  constructor(
    private readonly db: Pick<DirectSql, "write">,
    /** The most writes one transaction takes: bounds how long the write lock is held. */
    private readonly maxBatch = 200,
  ) {}

  write<T>(write: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve, reject } as Pending<unknown>);
      if (!this.flushing && this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(batch: Pending<unknown>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.db.write(async (tx) => {
          const out: unknown[] = [];
          for (const item of batch) out.push(await item.write(tx));
          return out;
        });
        batch.forEach((item, i) => item.resolve(results[i]));
        return;
      } catch {
        // Fall through: find the write that failed, and let the others land.
      }
    }
    for (const item of batch) {
      try {
        item.resolve(await this.db.write(item.write));
      } catch (error) {
        item.reject(error);
      }
    }
  }
}
