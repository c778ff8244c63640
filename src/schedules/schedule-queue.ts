import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { SchedulerSpec } from "./schedule-store.ts";

export const SCHEDULES_QUEUE = "schedules";

/** What a fire's job carries: the schedule's id. Everything else is read from its row, the truth. */
export interface FireJobData {
  scheduleId: string;
}

/** A job scheduler as Redis holds it. */
export interface SchedulerState {
  id: string;
  pattern: string | null;
  timezone: string | null;
  /** When its next job is due (ms), as Redis has it. */
  next: number | null;
}

/**
 * The schedules' side of Redis: one BullMQ job scheduler per enabled schedule, its id the
 * schedule's, on the `schedules` queue. BullMQ keeps one delayed job for the next fire
 * (`repeat:<id>:<fire ms>`); the worker that takes it adds the one after (as it moves the job to
 * active), so fires go on only while some worker serves this queue, and each fire's job is taken
 * by one worker whatever their number.
 */
export class ScheduleQueue {
  readonly queue: Queue<FireJobData>;

  constructor(
    redis: Redis,
    readonly prefix: string,
  ) {
    this.queue = new Queue<FireJobData>(SCHEDULES_QUEUE, { connection: redis, prefix });
    // Connection errors are logged once by the connection itself (see ExecutionQueue).
    this.queue.on("error", () => {});
  }

  /**
   * Creates or replaces the job scheduler of `schedule`. Replacing one drops the job of its next
   * fire if it is waiting and not yet taken (BullMQ computes the next fire from now): never done
   * to a scheduler that is already right (ScheduleSync), only on a change.
   */
  async upsert(schedule: SchedulerSpec): Promise<void> {
    await this.queue.upsertJobScheduler(
      schedule.id,
      { pattern: schedule.cron, tz: schedule.timezone },
      {
        name: schedule.workflow,
        data: { scheduleId: schedule.id },
        // A fire whose handling failed (the database away) is tried again, under its fire's key
        // (ScheduleFirer): a second attempt of a fire that did start its run starts nothing.
        opts: {
          attempts: 5,
          backoff: { type: "exponential", delay: 1_000 },
          removeOnComplete: true,
          removeOnFail: true,
        },
      },
    );
  }

  async remove(id: string): Promise<void> {
    await this.queue.removeJobScheduler(id);
  }

  async schedulers(): Promise<SchedulerState[]> {
    const all = await this.queue.getJobSchedulers(0, -1, true);
    return all.map((s) => ({ id: s.key, pattern: s.pattern ?? null, timezone: s.tz ?? null, next: s.next ?? null }));
  }

  /** Whether the job of a fire is in Redis (in any state). */
  async hasFireJob(id: string, fireMs: number): Promise<boolean> {
    return (await this.queue.getJobState(`repeat:${id}:${fireMs}`)) !== "unknown";
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** The schedule and the fire time a fire's job id names (`repeat:<schedule id>:<fire ms>`), or null. */
export function fireOf(jobId: string | undefined): { scheduleId: string; fireAt: Date } | null {
  const match = /^repeat:(.+):(\d+)$/.exec(jobId ?? "");
  return match ? { scheduleId: match[1], fireAt: new Date(Number(match[2])) } : null;
}
