import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../logging/logger.ts";
import type { ScheduleQueue } from "./schedule-queue.ts";
import type { ScheduleStore, SchedulerSpec } from "./schedule-store.ts";

/** How long one process may hold the sync to itself (a sync takes milliseconds; a dead holder's turn lapses). */
const LOCK_MS = 30_000;
/** How long `close` waits for a sync under way. */
const CLOSE_WAIT_MS = 5_000;
/** A next fire this far past with no job in Redis means the job was lost (not merely not taken yet). */
const LOST_AFTER_MS = 60_000;

export interface SyncResult {
  created: number;
  removed: number;
}

/**
 * Keeps Redis's job schedulers in line with the schedules table, the truth: at a worker's start
 * and every BIFROST_SCHEDULE_SYNC_MS after, one process at a time (a lock in Redis) creates the
 * scheduler of every enabled schedule that has none (Redis restarted without persistence, its
 * keys flushed, a change made while it was away), replaces one whose cron or zone differs or
 * whose next fire's job is lost, and removes those of schedules deleted or paused. A scheduler
 * that is right is never touched: replacing it could drop a fire that is due.
 */
export class ScheduleSync {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ScheduleStore,
    private readonly queue: ScheduleQueue,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const tick = () => {
      // While Redis is away its commands would wait for it (this connection queues them): skip.
      if (this.redis.status !== "ready") return;
      this.running = this.syncOnce().catch((error) => this.logger.debug({ err: error }, "schedule sync skipped"));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /** Stops syncing; a sync under way gets a moment to finish (one that waits for Redis is left). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
  }

  /** One sync, unless another process is syncing: then null. */
  async syncOnce(): Promise<SyncResult | null> {
    const lock = `${this.queue.prefix}:schedules:sync-lock`;
    const token = randomUUID();
    if ((await this.redis.set(lock, token, "PX", LOCK_MS, "NX")) !== "OK") return null;
    try {
      return await this.sync();
    } finally {
      // Only our own lock: after LOCK_MS it may be another process's.
      await this.redis.eval(
        `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`,
        1,
        lock,
        token,
      );
    }
  }

  private async sync(): Promise<SyncResult> {
    const wanted = await this.store.enabled();
    const present = new Map((await this.queue.schedulers()).map((s) => [s.id, s]));
    const result: SyncResult = { created: 0, removed: 0 };
    const now = Date.now();
    for (const schedule of wanted) {
      const held = present.get(schedule.id);
      present.delete(schedule.id);
      if (
        held &&
        held.pattern === schedule.cron &&
        (held.timezone ?? "UTC") === schedule.timezone &&
        !(await this.lost(schedule, held.next, now))
      )
        continue;
      await this.queue.upsert(schedule);
      result.created++;
    }
    for (const id of present.keys()) {
      await this.queue.remove(id);
      result.removed++;
    }
    if (result.created || result.removed)
      this.logger.info({ ...result }, "schedule sync: rebuilt job schedulers in Redis from the database");
    return result;
  }

  private async lost(schedule: SchedulerSpec, next: number | null, now: number): Promise<boolean> {
    if (next === null) return true;
    return next < now - LOST_AFTER_MS && !(await this.queue.hasFireJob(schedule.id, next));
  }
}
