import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { ScheduleQueue } from "../src/schedules/index.ts";
import { REDIS_URL, type BenchEnvironment } from "./environment.ts";
import { sleep } from "./measure.ts";

// Schedule figures: how late fires start runs with 1,000 schedules registered, and what 1,000
// registered schedules cost the executions path. Schedules are written into the database directly
// (the API's checks are not what is measured) and reach Redis through the workers' sync, as after
// an import.

export const SCHEDULES = 1_000;
/** Every schedule fires once in this many seconds, at its own second: SCHEDULES / SPREAD_S fires a second. */
const SPREAD_S = 20;

/** A cron firing once every SPREAD_S seconds at second `i % SPREAD_S` of each window. */
export function spreadCron(i: number): string {
  const first = i % SPREAD_S;
  return `${Array.from({ length: 60 / SPREAD_S }, (_, k) => first + k * SPREAD_S).join(",")} * * * * *`;
}

/** Once a year (1 January, 00:00:00 UTC): registered, but not firing while anything is measured. */
export const YEARLY = "0 0 0 1 1 *";

/** Writes `count` global schedules of bench_noop, each with the cron `cronOf(i)`. @returns their ids */
export async function seedSchedules(
  env: BenchEnvironment,
  count: number,
  cronOf: (i: number) => string,
  enabled = true,
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await env.platform.db.prisma.schedule.createMany({
    data: ids.map((id, i) => ({
      id,
      scope: "global",
      orgId: null,
      workflow: "bench_noop",
      cron: cronOf(i),
      timezone: "UTC",
      params: "{}",
      enabled,
      overlap: "allow",
      createdBy: "bench",
      updatedBy: "bench",
    })),
  });
  return ids;
}

/**
 * Enables (or pauses) the seeded schedules, and makes Redis match at once from here, as the API
 * does on a change (the workers' sync would, within its interval).
 */
export async function setEnabled(env: BenchEnvironment, enabled: boolean): Promise<void> {
  await env.platform.db.prisma.schedule.updateMany({ where: { createdBy: "bench" }, data: { enabled } });
  const rows = await env.platform.db.prisma.schedule.findMany({
    where: { createdBy: "bench" },
    select: { id: true, workflow: true, cron: true, timezone: true },
  });
  const redis = new Redis(REDIS_URL);
  const queue = new ScheduleQueue(redis, env.env.BIFROST_QUEUE_PREFIX);
  try {
    for (let i = 0; i < rows.length; i += 100)
      await Promise.all(rows.slice(i, i + 100).map((row) => (enabled ? queue.upsert(row) : queue.remove(row.id))));
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** Deletes the schedules seedSchedules wrote. */
export async function deleteSchedules(env: BenchEnvironment): Promise<void> {
  await env.platform.db.prisma.schedule.deleteMany({ where: { createdBy: "bench" } });
}

/** Sets each schedule's cron to `cronOf(i)`. */
export async function setCrons(env: BenchEnvironment, ids: string[], cronOf: (i: number) => string): Promise<void> {
  for (const [chunk, from] of chunks(ids)) {
    await env.platform.db.prisma.$transaction(
      chunk.map((id, i) => env.platform.db.prisma.schedule.update({ where: { id }, data: { cron: cronOf(from + i) } })),
    );
  }
}

/** `ids` in slices a query's IN list can take on both databases, with the index of each slice's first. */
function chunks(ids: string[], size = 500): [string[], number][] {
  const out: [string[], number][] = [];
  for (let i = 0; i < ids.length; i += size) out.push([ids.slice(i, i + size), i]);
  return out;
}

/** Waits until Redis holds a job scheduler for each seeded schedule, with the cron it has in the database (the workers' sync). */
export async function untilRegistered(env: BenchEnvironment, timeoutMs = 60_000): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const queue = new ScheduleQueue(redis, env.env.BIFROST_QUEUE_PREFIX);
  try {
    const rows = await env.platform.db.prisma.schedule.findMany({
      where: { createdBy: "bench" },
      select: { id: true, cron: true },
    });
    const wanted = new Map(rows.map((r) => [r.id, r.cron]));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const held = await queue.schedulers();
      if (held.filter((s) => wanted.get(s.id) === s.pattern).length === wanted.size) return;
      if (Date.now() > deadline)
        throw new Error(`the workers' sync registered ${held.length} of ${wanted.size} schedules in ${timeoutMs} ms`);
      await sleep(250);
    }
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

export interface Lateness {
  /** Fire time → the run recorded and queued (ms), one per fire. */
  recorded: number[];
  /** Fire time → a worker started the run (ms). */
  started: number[];
  /** Fires that started no run by the end of the wait (none expected). */
  missing: number;
}

/**
 * Watches the schedules `ids` fire for `seconds` (their fires in that time, after a first second
 * left out) and measures how late each fire's run was recorded and started, from the fire's key
 * (`schedule:<id>:<fire ms>`) and its execution.
 */
export async function fireLateness(env: BenchEnvironment, ids: string[], seconds: number): Promise<Lateness> {
  const from = Date.now() + 1_000;
  const to = from + seconds * 1_000;
  await sleep(to - Date.now() + 2_000);
  const idSet = new Set(ids);
  const expected = expectedFires(ids.length, from, to);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const keys = (await env.platform.db.prisma.executionKey.findMany({ where: { key: { startsWith: "schedule:" } } }))
      .map((k) => ({
        scheduleId: k.key.split(":")[1],
        fireAt: Number(k.key.split(":")[2]),
        executionId: k.executionId,
      }))
      .filter((k) => idSet.has(k.scheduleId) && k.fireAt >= from && k.fireAt < to);
    const found = [];
    for (const [chunk] of chunks(keys.map((k) => k.executionId)))
      found.push(
        ...(await env.platform.db.prisma.execution.findMany({
          where: { id: { in: chunk } },
          select: { id: true, createdAt: true, startedAt: true },
        })),
      );
    const runs = new Map(found.map((r) => [r.id, r]));
    const started = keys.filter((k) => runs.get(k.executionId)?.startedAt);
    if ((started.length >= expected && started.length === keys.length) || Date.now() > deadline) {
      return {
        recorded: keys.map((k) => runs.get(k.executionId)!.createdAt.getTime() - k.fireAt),
        started: started.map((k) => runs.get(k.executionId)!.startedAt!.getTime() - k.fireAt),
        missing: expected - started.length,
      };
    }
    await sleep(500);
  }
}

/** How many fires `count` spread schedules have in [from, to): one a schedule every SPREAD_S seconds. */
function expectedFires(count: number, from: number, to: number): number {
  let fires = 0;
  for (let second = Math.ceil(from / 1000); second * 1000 < to; second++)
    fires += Math.floor(count / SPREAD_S) + (second % SPREAD_S < count % SPREAD_S ? 1 : 0);
  return fires;
}
