import type { ExecutionLogEntry } from "../sdk/execution-context.ts";
import type { ExecutionLogStore } from "../src/executions/execution-log-store.ts";
import type { Logger } from "../src/logging/logger.ts";
import type { SecretScrubber } from "../src/secrets/index.ts";

/** A batch is stored at most this long after its first line came: the ~1 s the contract allows, with room for the write. */
export const LIVE_LOG_FLUSH_MS = 250;
/** A batch this large is stored at once (bounds one INSERT's parameters and a batch's weight). */
export const LIVE_LOG_BATCH_LINES = 200;

export interface LiveLogDeps {
  store: ExecutionLogStore;
  /** Tells readers on any API process that lines were stored (Redis pub/sub; they re-read the database). */
  notify(executionId: string): void;
  logger: Logger;
  /** false: lines wait for the run's end (flush) and are stored then (BIFROST_LIVE_LOGS). */
  live?: boolean;
}

/**
 * One run's log on its way to the database while the run goes: lines are gathered for up to
 * LIVE_LOG_FLUSH_MS (or LIVE_LOG_BATCH_LINES) and stored in one statement, never a round trip
 * per line. Each line is scrubbed whole, with the scrubber as it is when its batch is stored
 * (which knows every secret the run was handed before it could print it), so a secret cannot be
 * split between two batches: lines are the unit. Batches are stored one after another, so a
 * reader asking for lines after seq n never skips one that commits later.
 */
export class LiveLog {
  private pending: ExecutionLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The next seq; read from the table at the first batch (a retried run continues its numbering). */
  private nextSeq: number | null = null;

  constructor(
    private readonly executionId: string,
    private readonly deps: LiveLogDeps,
    /** The run's scrubber as it is now (secrets it reads join it). */
    private readonly scrubber: () => Promise<SecretScrubber>,
    /** Makes a scrubbed message storable (lone surrogates, NULs). */
    private readonly storable: (text: string) => string,
  ) {}

  add(entries: ExecutionLogEntry[]): void {
    if (entries.length === 0) return;
    this.pending.push(...entries);
    if (this.deps.live === false) return;
    if (this.pending.length >= LIVE_LOG_BATCH_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), LIVE_LOG_FLUSH_MS);
  }

  /** Stores what is gathered; resolves once every batch so far is stored (or given up on). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A thread's message may carry thousands of lines: one statement each LIVE_LOG_BATCH_LINES.
    for (let i = 0; i < this.pending.length; i += LIVE_LOG_BATCH_LINES) {
      const batch = this.pending.slice(i, i + LIVE_LOG_BATCH_LINES);
      this.chain = this.chain.then(() => this.store(batch));
    }
    this.pending = [];
    return this.chain;
  }

  private async store(batch: ExecutionLogEntry[]): Promise<void> {
    try {
      const scrub = await this.scrubber();
      const lines = batch.map((entry) => ({ ...entry, message: this.storable(scrub.scrub(entry.message)) }));
      this.nextSeq ??= (await this.deps.store.lastSeq(this.executionId)) + 1;
      const first = this.nextSeq;
      this.nextSeq += lines.length;
      await this.deps.store.append(this.executionId, first, lines);
      this.deps.notify(this.executionId);
    } catch (error) {
      // Never stored unscrubbed; a database that failed this batch may take the next.
      this.deps.logger.warn(
        { err: error, executionId: this.executionId, lines: batch.length },
        "execution log lines could not be stored",
      );
    }
  }
}
