import { nextFire, type CronSchedule } from "./cron-schedule.ts";

/** Distinct (cron, time zone) pairs remembered; past it, the memory starts again. */
const MAX_REMEMBERED = 10_000;

/**
 * The next fire of each (cron, time zone), remembered until it has passed: a list of schedules
 * (many alike) computes each once, where cron-parser takes up to a millisecond a computation.
 */
export class NextFires {
  private readonly known = new Map<string, Date | null>();

  of(schedule: CronSchedule, now = new Date()): Date | null {
    const id = `${schedule.cron}\u0000${schedule.timezone}`;
    const known = this.known.get(id);
    if (known !== undefined && (known === null || known > now)) return known;
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    const next = nextFire(schedule, now);
    this.known.set(id, next);
    return next;
  }
}
