import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_REDIS_URL, startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { lines, spawnCli, type CliProcess } from "./cli-runner.ts";

// Schedules firing through real `bifrost worker` processes (two of them, both taking fires) on the
// test's database and the local Redis. Crons fire every second or two: the minimum interval is
// lowered for these tests, and workers check Redis against the database every 200 ms.

let t: TestPlatform;
let admin: Api;
const workers: CliProcess[] = [];
const WORKER_ENV = { BIFROST_SCHEDULE_SYNC_MS: "200" };

beforeAll(async () => {
  t = await startTestPlatform({ env: { BIFROST_SCHEDULE_MIN_INTERVAL_S: "1" } });
  admin = t.api(t.adminToken);
  const started = [spawnCli(["worker"], { env: t.env(WORKER_ENV) }), spawnCli(["worker"], { env: t.env(WORKER_ENV) })];
  workers.push(...started);
  await Promise.all(started.map((w) => w.waitFor(/taking executions/)));
});
afterEach(async () => {
  // Every schedule a test made goes, so that none fires into the next test.
  for (const s of (await admin("GET", "/api/schedules")).body) await admin("DELETE", `/api/schedules/${s.id}`);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await t?.close();
});

const tmpFile = (name: string) => join(t.db.dir, `${name}-${randomBytes(4).toString("hex")}.log`);
const startedIn = (file: string) =>
  existsSync(file) ? lines(readFileSync(file, "utf8")).map((line) => line.split(" ")[0]) : [];

async function schedule(body: Record<string, unknown>, scope = "global"): Promise<string> {
  const res = await admin("POST", `/api/schedules?scope=${scope}`, body);
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

/** A schedule's fires so far, oldest first: the fire time each run was started for, from its key. */
async function firesOf(scheduleId: string): Promise<{ fireAt: number; executionId: string }[]> {
  const keys = await t.platform.db.prisma.executionKey.findMany({
    where: { key: { startsWith: `schedule:${scheduleId}:` } },
  });
  return keys
    .map((k) => ({ fireAt: Number(k.key.split(":")[2]), executionId: k.executionId }))
    .sort((a, b) => a.fireAt - b.fireAt);
}

/** Every execution a schedule started, oldest first. */
function runsOf(scheduleId: string) {
  return t.platform.db.prisma.execution.findMany({
    where: { createdBy: `schedule:${scheduleId}` },
    orderBy: { createdAt: "asc" },
  });
}

const settle = (ids: string[]) => Promise.all(ids.map((id) => t.server.executions.waitForEnd(id, 30_000)));

describe("schedules firing, with two worker processes", () => {
  it("fire once per tick: one run per fire time, each run started once, as the schedule's scope", async () => {
    const file = tmpFile("ticks");
    const acme = await t.platform.orgs.create(`acme-${randomBytes(3).toString("hex")}`, "test");
    const id = await schedule({ workflow: "slow", cron: "*/2 * * * * *", params: { ms: 10, file } }, acme.name);
    await expect
      .poll(async () => (await firesOf(id)).length, { timeout: 20_000, interval: 200 })
      .toBeGreaterThanOrEqual(4);
    expect((await admin("PATCH", `/api/schedules/${id}`, { enabled: false })).status).toBe(200);

    const fires = await firesOf(id);
    const runs = await runsOf(id);
    await settle(runs.map((r) => r.id));
    // One run per fire, and no fire twice: the fire times are distinct ticks of the cron, 2 s apart.
    expect(runs.map((r) => r.id).sort()).toEqual(fires.map((f) => f.executionId).sort());
    expect(new Set(fires.map((f) => f.fireAt)).size).toBe(fires.length);
    for (const f of fires) expect(f.fireAt % 2_000).toBe(0);
    for (let i = 1; i < fires.length; i++) expect(fires[i].fireAt - fires[i - 1].fireAt).toBe(2_000);
    // Each run started once, by one of the workers, for the org the schedule belongs to.
    expect(startedIn(file).sort()).toEqual(runs.map((r) => r.id).sort());
    const ended = await t.platform.db.prisma.execution.findMany({ where: { id: { in: runs.map((r) => r.id) } } });
    for (const run of ended) {
      expect(run).toMatchObject({ status: "success", trigger: "schedule", scope: acme.id, attempts: 1 });
      expect(run.workerId).toMatch(new RegExp(`:(${workers.map((w) => w.child.pid).join("|")})$`));
    }
    const view = (await admin("GET", `/api/schedules/${id}`)).body;
    expect(view).toMatchObject({
      enabled: false,
      nextRunAt: null,
      lastExecutionId: fires.at(-1)!.executionId,
      lastRunAt: new Date(fires.at(-1)!.fireAt).toISOString(),
    });
  });

  it("a paused schedule does not fire while another does, and fires again once resumed", async () => {
    const paused = await schedule({ workflow: "noop", cron: "* * * * * *" });
    await expect
      .poll(async () => (await firesOf(paused)).length, { timeout: 20_000, interval: 100 })
      .toBeGreaterThanOrEqual(1);
    expect((await admin("PATCH", `/api/schedules/${paused}`, { enabled: false })).body.enabled).toBe(false);
    const pausedAt = Date.now();
    const firesWhenPaused = (await firesOf(paused)).length;
    // A second schedule on the same cron is the clock: three of its fires after the pause.
    const clock = await schedule({ workflow: "noop", cron: "* * * * * *" });
    await expect
      .poll(async () => (await firesOf(clock)).filter((f) => f.fireAt > pausedAt + 1_000).length, {
        timeout: 20_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(3);
    // A fire already taken as the pause came may still start (it was due before): none after.
    const later = (await firesOf(paused)).filter((f) => f.fireAt > pausedAt + 1_000);
    expect(later).toEqual([]);
    expect((await firesOf(paused)).length).toBeLessThanOrEqual(firesWhenPaused + 1);

    const resumedAt = Date.now();
    expect((await admin("PATCH", `/api/schedules/${paused}`, { enabled: true })).body.nextRunAt).not.toBeNull();
    await expect
      .poll(async () => (await firesOf(paused)).filter((f) => f.fireAt >= resumedAt).length, {
        timeout: 20_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(1);
  });

  it("overlap skip starts no run while the last is pending or running; overlap allow does", async () => {
    const skipFile = tmpFile("skip");
    const allowFile = tmpFile("allow");
    // Each run takes 2.5 s; the cron fires every second.
    const skip = await schedule({ workflow: "slow", cron: "* * * * * *", params: { ms: 2_500, file: skipFile } });
    const allow = await schedule({
      workflow: "slow",
      cron: "* * * * * *",
      params: { ms: 2_500, file: allowFile },
      overlap: "allow",
    });
    await expect
      .poll(async () => (await runsOf(skip)).length, { timeout: 30_000, interval: 200 })
      .toBeGreaterThanOrEqual(2);
    for (const id of [skip, allow]) await admin("PATCH", `/api/schedules/${id}`, { enabled: false });
    const skipRuns = await runsOf(skip);
    const allowRuns = await runsOf(allow);
    await settle([...skipRuns, ...allowRuns].map((r) => r.id));
    const ended = async (id: string) =>
      t.platform.db.prisma.execution.findMany({
        where: { createdBy: `schedule:${id}` },
        orderBy: { createdAt: "asc" },
      });

    // skip: each run was created after the one before had ended.
    const skipped = await ended(skip);
    for (let i = 1; i < skipped.length; i++)
      expect(skipped[i].createdAt.getTime()).toBeGreaterThanOrEqual(skipped[i - 1].finishedAt!.getTime());
    // allow: a run per second while the earlier ones still ran.
    const allowed = await ended(allow);
    expect(allowed.length).toBeGreaterThan(skipped.length);
    expect(allowed.some((run, i) => i > 0 && run.createdAt.getTime() < allowed[i - 1].finishedAt!.getTime())).toBe(
      true,
    );
    expect(startedIn(skipFile)).toHaveLength(skipped.length);
  });

  it("survives a flush of the platform's Redis keys: the workers rebuild its scheduler from the database and it fires again", async () => {
    const id = await schedule({ workflow: "noop", cron: "* * * * * *" });
    await expect
      .poll(async () => (await firesOf(id)).length, { timeout: 20_000, interval: 100 })
      .toBeGreaterThanOrEqual(1);
    const redis = new Redis(TEST_REDIS_URL);
    let flushedAt: number;
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${t.queuePrefix}:*`, count: 1000 }))
        keys.push(...(batch as string[]));
      expect(keys.some((key) => key.includes(":schedules:"))).toBe(true);
      await redis.del(...keys);
      flushedAt = Date.now();
      expect(await redis.exists(`${t.queuePrefix}:schedules:repeat`)).toBe(0);
    } finally {
      redis.disconnect();
    }
    await expect
      .poll(async () => (await firesOf(id)).filter((f) => f.fireAt > flushedAt + 1_000).length, {
        timeout: 20_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(2);
    const fires = await firesOf(id);
    expect(new Set(fires.map((f) => f.fireAt)).size).toBe(fires.length);
    expect(workers.map((w) => w.output()).join("")).toMatch(/rebuilt job schedulers in Redis from the database/);
  });

  it("a fire whose run is refused is recorded as a failed run saying why, not dropped", async () => {
    const org = await t.platform.orgs.create(`no-secrets-${randomBytes(3).toString("hex")}`, "test");
    const id = await schedule({ workflow: "needs_secrets", cron: "* * * * * *" }, org.name);
    await expect
      .poll(async () => (await runsOf(id)).length, { timeout: 20_000, interval: 100 })
      .toBeGreaterThanOrEqual(1);
    await admin("PATCH", `/api/schedules/${id}`, { enabled: false });
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "failed", trigger: "schedule", scope: org.id, attempts: 0, workerId: null });
    expect(run.error).toMatch(
      /^The schedule's fire at \S+ could not start a run: SECRETS_MISSING: Workflow "needs_secrets" needs secrets that are not set for org/,
    );
    expect(run.finishedAt).not.toBeNull();
    const listed = (await admin("GET", `/api/executions?trigger=schedule&workflow=needs_secrets`)).body;
    expect(listed.map((e: { id: string }) => e.id)).toContain(run.id);
  });
});
