import parser from "cron-parser";

/** A cron expression and the time zone it is read in, checked: what a schedule fires on. */
export interface CronSchedule {
  /** 5 fields (minute first), or 6 (seconds first), as given. */
  cron: string;
  /** An IANA time zone name, as given. */
  timezone: string;
}

const SECONDS_A_DAY = 86_400;

/**
 * Why `cron` cannot be a schedule's expression, or null when it can: 5 or 6 space-separated
 * fields that cron-parser (the parser BullMQ's job schedulers use) reads, in the zone `timezone`.
 */
export function cronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), not ${fields.length}`;
  }
  try {
    parser.parseExpression(cron, { tz: "UTC" }).next();
    return null;
  } catch (error) {
    return `not a cron expression cron-parser reads: ${(error as Error).message}`;
  }
}

/** Why `timezone` is not an IANA time zone name this process knows, or null. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    return `${JSON.stringify(timezone)} is not an IANA time zone name (e.g. "UTC", "Europe/Paris", "America/New_York")`;
  }
  // The parser has its own zone database (luxon): both must read it alike.
  try {
    parser.parseExpression("0 0 * * *", { tz: timezone }).next();
    return null;
  } catch {
    return `${JSON.stringify(timezone)} is not a time zone the cron parser knows`;
  }
}

/** The next fire after `after`, or null when there is none. */
export function nextFire(schedule: CronSchedule, after = new Date()): Date | null {
  const interval = parser.parseExpression(schedule.cron, { tz: schedule.timezone, currentDate: after });
  return interval.hasNext() ? interval.next().toDate() : null;
}

/**
 * The shortest time, in seconds, between two fires: between two fires of one day (its seconds,
 * minutes and hours: at most 86,400 times of day), or from a day's last fire to the next day's
 * first, counted as if the next day were always a fire day (so never more than a day). Computed
 * from the expression's fields rather than by stepping through fires, which takes cron-parser
 * about a millisecond each.
 */
export function shortestInterval(cron: string): number {
  const { second, minute, hour } = parser.parseExpression(cron, { tz: "UTC" }).fields;
  const seconds = [...second].sort((a, b) => a - b);
  const minutes = [...minute].sort((a, b) => a - b);
  let first = -1;
  let previous = -1;
  let shortest = SECONDS_A_DAY;
  for (const h of [...hour].sort((a, b) => a - b)) {
    for (const m of minutes) {
      for (const s of seconds) {
        const at = h * 3600 + m * 60 + s;
        if (previous >= 0) shortest = Math.min(shortest, at - previous);
        else first = at;
        previous = at;
      }
    }
  }
  return Math.min(shortest, SECONDS_A_DAY - previous + first);
}
