import type { Redis } from "ioredis";
import type { Logger } from "../logging/logger.ts";
import type { ExecutionRow } from "./execution-view.ts";

type Listener = (executionId: string) => void;
/**
 * What a process hears: API processes wait for runs to end and for their log lines (live logs),
 * workers are told to cancel runs.
 */
export type Notice = "finished" | "cancel" | "logs";
/** @param ended the ended row, when the notice carried it (else read it) */
type FinishedListener = (executionId: string, ended: ExecutionRow | null) => void;

/**
 * The most an ended row may weigh to travel with its notice. Every API process hears every
 * notice, so a large result or log is left for the waiters to read from the database.
 */
const MAX_NOTICE_ROW_BYTES = 16 * 1024;

/**
 * Cross-process notices over Redis pub/sub: "this execution ended" (workers → API processes
 * waiting on `wait=`) and "cancel this execution" (API → the worker running it). An "ended"
 * notice carries the ended row when it is small, as stored (its result, error and logs were
 * scrubbed before that), so a waiter answers without reading it again; a final row never changes.
 * Pub/sub is at-most-once, so waiters also re-read the database now and then.
 *
 * A process subscribes only to the notices it acts on: a worker hearing every run's end (its
 * row included) would spend a read per run of the whole platform, on every worker, for nothing.
 */
export class ExecutionSignals {
  private readonly finishedChannel: string;
  private readonly cancelChannel: string;
  private readonly logsChannel: string;
  private readonly logsListeners = new Map<string, Set<Listener>>();
  private readonly finishedListeners = new Map<string, Set<FinishedListener>>();
  private readonly cancelListeners = new Set<Listener>();
  private readonly hears: ReadonlySet<Notice>;

  /** @param hears the notices this process listens for (it may publish either kind) */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly logger: Logger,
    hears: readonly Notice[],
  ) {
    this.hears = new Set(hears);
    this.finishedChannel = `${prefix}:executions:finished`;
    this.cancelChannel = `${prefix}:executions:cancel`;
    this.logsChannel = `${prefix}:executions:logs`;
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.finishedChannel) this.heardFinished(message);
      else if (channel === this.logsChannel)
        for (const listener of this.logsListeners.get(message) ?? []) listener(message);
      else if (channel === this.cancelChannel) for (const listener of this.cancelListeners) listener(message);
    });
    // ioredis subscribes again by itself after a reconnect.
    const channels = [...this.hears].map(
      (notice) => ({ finished: this.finishedChannel, cancel: this.cancelChannel, logs: this.logsChannel })[notice],
    );
    if (channels.length === 0) return;
    subscriber.subscribe(...channels).catch((error: Error) => {
      logger.debug({ err: error }, "execution signals: subscribe deferred until Redis is reachable");
    });
  }

  /** Calls `listener` when `executionId` ends; returns the function that stops listening. */
  onFinished(executionId: string, listener: FinishedListener): () => void {
    this.assertHears("finished");
    let listeners = this.finishedListeners.get(executionId);
    if (!listeners) this.finishedListeners.set(executionId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.finishedListeners.delete(executionId);
    };
  }

  /** Calls `listener` when lines of `executionId` were stored; returns the function that stops listening. */
  onLogs(executionId: string, listener: Listener): () => void {
    this.assertHears("logs");
    let listeners = this.logsListeners.get(executionId);
    if (!listeners) this.logsListeners.set(executionId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.logsListeners.delete(executionId);
    };
  }

  /** Lines of `executionId` were stored (a hint: readers read them from the database). */
  async publishLogs(executionId: string): Promise<void> {
    await this.publish(this.logsChannel, executionId);
  }

  onCancel(listener: Listener): () => void {
    this.assertHears("cancel");
    this.cancelListeners.add(listener);
    return () => this.cancelListeners.delete(listener);
  }

  /** @param ended the row as just stored, sent along when it is small enough */
  async publishFinished(executionId: string, ended?: ExecutionRow): Promise<void> {
    // Its text columns alone already weigh less than its JSON: a run with a large result or log is
    // not serialized only to be left out.
    const small =
      ended &&
      ended.params.length + ended.logs.length + (ended.result?.length ?? 0) + (ended.error?.length ?? 0) <=
        MAX_NOTICE_ROW_BYTES;
    const row = small ? JSON.stringify(ended) : "";
    const carried = row !== "" && Buffer.byteLength(row) <= MAX_NOTICE_ROW_BYTES;
    await this.publish(this.finishedChannel, carried ? `${executionId}\n${row}` : executionId);
  }

  /** A notice is the id, or the id, a newline and the ended row as JSON. */
  private heardFinished(message: string): void {
    const newline = message.indexOf("\n");
    const id = newline === -1 ? message : message.slice(0, newline);
    const listeners = this.finishedListeners.get(id);
    if (!listeners) return;
    let ended: ExecutionRow | null = null;
    if (newline !== -1) {
      try {
        ended = reviveRow(JSON.parse(message.slice(newline + 1)));
      } catch (error) {
        this.logger.debug(
          { err: error, executionId: id },
          "execution notice: its row is unreadable; waiters read it instead",
        );
      }
    }
    for (const listener of listeners) listener(id, ended);
  }

  /** @returns how many processes heard it (0 when Redis is down or no worker listens). */
  async publishCancel(executionId: string): Promise<number> {
    return this.publish(this.cancelChannel, executionId);
  }

  private async publish(channel: string, message: string): Promise<number> {
    try {
      return await this.publisher.publish(channel, message);
    } catch (error) {
      this.logger.debug(
        { err: error, executionId: message.split("\n", 1)[0] },
        "execution signal not sent (Redis unreachable)",
      );
      return 0;
    }
  }

  /** A listener for notices this process does not subscribe to would wait forever: a programming error. */
  private assertHears(notice: Notice): void {
    if (!this.hears.has(notice))
      throw new Error(`ExecutionSignals: this process does not listen for "${notice}" notices`);
  }

  async close(): Promise<void> {
    this.finishedListeners.clear();
    this.logsListeners.clear();
    this.cancelListeners.clear();
    await this.subscriber.unsubscribe().catch(() => undefined);
  }
}

/** JSON has no dates: the row's date columns come back as the Dates a read gives. */
function reviveRow(json: RowAsJson): ExecutionRow {
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    ...json,
    createdAt: new Date(json.createdAt),
    startedAt: date(json.startedAt),
    finishedAt: date(json.finishedAt),
  };
}

type RowAsJson = Omit<ExecutionRow, "createdAt" | "startedAt" | "finishedAt"> & {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};
