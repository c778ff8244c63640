import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScheduleQueue } from "../../src/schedules/index.ts";
import { findLeaks, needlesOf } from "../support/leak-search.ts";
import { TEST_REDIS_URL, startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { runCli } from "./cli-runner.ts";

// Schedules and webhooks in bundles, between real platforms (each its own database of the
// provider under test): schedules match by org + workflow + cron; webhooks by id, never with
// their secrets, so an imported webhook gets a new one, listed in the report.

let source: TestPlatform;
let src: Api;
const platforms: TestPlatform[] = [];
const hookSecrets: string[] = [];
let globalHook: { id: string; secret: string };
let acmeHook: { id: string; secret: string };
let acmeSchedule: string;

async function fresh(env: Record<string, string> = {}, worker = false): Promise<TestPlatform> {
  const t = await startTestPlatform({ env, worker });
  platforms.push(t);
  return t;
}

function signed(secret: string, id: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`,
  };
}
const deliver = (t: TestPlatform, hookId: string, secret: string, body = '{"n": 1}') =>
  fetch(`${t.url}/hooks/${hookId}`, {
    method: "POST",
    headers: signed(secret, `msg_${Date.now()}_${Math.random()}`, body),
    body,
  });
const exported = async (api: Api, query = "?portable=true") => {
  const res = await api("GET", `/api/export${query}`);
  expect(res.status, res.text).toBe(200);
  return res;
};

beforeAll(async () => {
  source = await fresh();
  src = source.api(source.adminToken);
  await source.platform.orgs.create("acme", "test");
  await source.platform.orgs.create("zeta", "test");
  const created = async (path: string, body: unknown) => {
    const res = await src("POST", path, body);
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  await created("/api/schedules", { workflow: "noop", cron: "0 9 * * *" });
  acmeSchedule = (
    await created("/api/schedules?scope=acme", {
      workflow: "echo_params",
      cron: "30 6 * * 1-5",
      timezone: "Europe/Paris",
      params: { n: 5, tag: "nightly" },
      overlap: "allow",
    })
  ).id;
  await created("/api/schedules?scope=acme", { workflow: "noop", cron: "0 0 1 * *", enabled: false });
  await created("/api/schedules?scope=zeta", { workflow: "noop", cron: "0 12 * * *" });
  globalHook = await created("/api/webhooks", { workflow: "noop" });
  acmeHook = await created("/api/webhooks?scope=acme", { workflow: "echo_params", description: "billing events" });
  hookSecrets.push(globalHook.secret, acmeHook.secret);
});
afterAll(async () => {
  for (const t of platforms) await t.close();
});

describe("export", () => {
  it("writes schedules and webhooks, in a stable order, and no webhook secret in a bundle or a backup", async () => {
    const portable = await exported(src);
    const bundle = JSON.parse(portable.text);
    expect(bundle.schedules).toEqual([
      { org: null, workflow: "noop", cron: "0 9 * * *", timezone: "UTC", params: {}, enabled: true, overlap: "skip" },
      {
        org: "acme",
        workflow: "echo_params",
        cron: "30 6 * * 1-5",
        timezone: "Europe/Paris",
        params: { n: 5, tag: "nightly" },
        enabled: true,
        overlap: "allow",
      },
      {
        org: "acme",
        workflow: "noop",
        cron: "0 0 1 * *",
        timezone: "UTC",
        params: {},
        enabled: false,
        overlap: "skip",
      },
      {
        org: "zeta",
        workflow: "noop",
        cron: "0 12 * * *",
        timezone: "UTC",
        params: {},
        enabled: true,
        overlap: "skip",
      },
    ]);
    expect(bundle.webhooks).toEqual([
      { org: null, id: globalHook.id, workflow: "noop", description: null },
      { org: "acme", id: acmeHook.id, workflow: "echo_params", description: "billing events" },
    ]);
    const backup = await exported(src, "?portable=false");
    const acmeOnly = JSON.parse((await exported(src, "?portable=true&scope=acme")).text);
    expect(acmeOnly.schedules.map((s: { org: string }) => s.org)).toEqual(["acme", "acme"]);
    expect(acmeOnly.webhooks.map((w: { id: string }) => w.id)).toEqual([acmeHook.id]);
    const needles = hookSecrets.flatMap((secret, i) => [
      ...needlesOf(secret, `hook ${i}`, ""),
      ...needlesOf(secret.slice(6), `hook ${i}`, "key "),
    ]);
    expect(
      findLeaks(
        [
          { where: "portable", content: portable.text },
          { where: "backup", content: backup.text },
        ],
        needles,
      ),
    ).toEqual([]);
  });
});

describe("import", () => {
  it("creates the schedules and webhooks in another platform; each webhook gets a new secret, listed in the report", async () => {
    const target = await fresh({ BIFROST_SCHEDULE_SYNC_MS: "200" }, true);
    const dst = target.api(target.adminToken);
    const bundle = JSON.parse((await exported(src)).text);

    const dry = await dst("POST", "/api/import?dryRun=true", bundle);
    expect(dry.body).toMatchObject({
      dryRun: true,
      schedules: { created: 4, updated: 0, unchanged: 0 },
      webhooks: { created: 2, updated: 0, unchanged: 0 },
    });
    expect(await target.platform.db.prisma.schedule.count()).toBe(0);
    expect(await target.platform.db.prisma.webhook.count()).toBe(0);

    const res = await dst("POST", "/api/import", bundle);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      schedules: { created: 4, updated: 0, unchanged: 0 },
      webhooks: { created: 2, updated: 0, unchanged: 0 },
    });
    expect(res.body.needsSecret).toEqual([
      {
        org: null,
        webhook: globalHook.id,
        workflow: "noop",
        howToSet: `bifrost webhooks rotate-secret ${globalHook.id}`,
      },
      {
        org: "acme",
        webhook: acmeHook.id,
        workflow: "echo_params",
        howToSet: `bifrost webhooks rotate-secret ${acmeHook.id}`,
      },
    ]);
    const schedules = (await dst("GET", "/api/schedules")).body;
    const acme = await target.platform.orgs.find("acme");
    expect(schedules.find((s: { workflow: string; scope: string }) => s.workflow === "echo_params")).toMatchObject({
      scope: acme!.id,
      cron: "30 6 * * 1-5",
      timezone: "Europe/Paris",
      params: { n: 5, tag: "nightly" },
      overlap: "allow",
      enabled: true,
      createdBy: "token:test-admin",
    });
    // The workers' sync gives each enabled imported schedule its job scheduler.
    const enabled = schedules
      .filter((s: { enabled: boolean }) => s.enabled)
      .map((s: { id: string }) => s.id)
      .sort();
    await expect.poll(() => schedulerIds(target), { timeout: 10_000, interval: 100 }).toEqual(enabled);

    // The same URLs; the source's secrets do not work here, a rotated one does.
    expect((await deliver(target, acmeHook.id, acmeHook.secret)).status).toBe(401);
    const rotated = (await dst("POST", `/api/webhooks/${acmeHook.id}/rotate-secret`)).body;
    hookSecrets.push(rotated.secret);
    expect((await deliver(target, acmeHook.id, rotated.secret)).status).toBe(202);

    // Again: nothing changes; a changed schedule or description is updated, matched as before.
    expect((await dst("POST", "/api/import", bundle)).body).toMatchObject({
      schedules: { created: 0, updated: 0, unchanged: 4 },
      webhooks: { created: 0, updated: 0, unchanged: 2 },
      needsSecret: [],
    });
    bundle.schedules[1].timezone = "America/New_York";
    bundle.webhooks[1].description = "billing events, v2";
    expect((await dst("POST", "/api/import", bundle)).body).toMatchObject({
      schedules: { created: 0, updated: 1, unchanged: 3 },
      webhooks: { created: 0, updated: 1, unchanged: 1 },
    });
    expect((await dst("GET", "/api/schedules?scope=acme&workflow=echo_params")).body[0].timezone).toBe(
      "America/New_York",
    );
    expect((await deliver(target, acmeHook.id, rotated.secret)).status).toBe(202);
  });

  it("refuses bad schedules and webhooks with every problem's path, writing nothing", async () => {
    const target = await fresh();
    const dst = target.api(target.adminToken);
    const good = JSON.parse((await exported(src)).text);
    const bundle = structuredClone(good);
    bundle.schedules.push(
      { org: null, workflow: "noop", cron: "* * * *", timezone: "UTC", params: {}, enabled: true, overlap: "skip" },
      {
        org: null,
        workflow: "noop",
        cron: "*/5 * * * * *",
        timezone: "UTC",
        params: {},
        enabled: true,
        overlap: "skip",
      },
      {
        org: null,
        workflow: "noop",
        cron: "0 1 * * *",
        timezone: "Moon/Base",
        params: {},
        enabled: true,
        overlap: "skip",
      },
      {
        org: "nowhere",
        workflow: "noop",
        cron: "0 1 * * *",
        timezone: "UTC",
        params: {},
        enabled: true,
        overlap: "skip",
      },
      { ...good.schedules[0], cron: " 0  9 * * * " },
    );
    bundle.webhooks.push({ org: null, id: "wh_short", workflow: "noop", description: null }, { ...good.webhooks[0] });
    const res = await dst("POST", "/api/import", bundle);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      "schedules[4].cron",
      "schedules[5].cron",
      "schedules[6].timezone",
      "schedules[7].org",
      "schedules[8]",
      "webhooks[2].id",
      "webhooks[3].id",
    ]);
    expect(res.body.error.message).toMatch(/schedules\[5\]\.cron: fires as often as every 5 s/);
    expect(await target.platform.db.prisma.schedule.count()).toBe(0);
    expect(await target.platform.orgs.list()).toEqual([]);
    // A bundle of a platform without any has neither section, as before they existed.
    expect(Object.keys(JSON.parse((await exported(dst)).text)).sort()).toEqual([
      "configs",
      "exportedAt",
      "format",
      "orgs",
      "portable",
      "version",
    ]);
  });

  it("refuses a webhook whose id is another org's or workflow's here", async () => {
    const res = await src("POST", "/api/import", {
      ...JSON.parse((await exported(src)).text),
      webhooks: [{ org: "zeta", id: acmeHook.id, workflow: "echo_params", description: null }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      { path: "webhooks[0].id", message: "this webhook exists here for another org or workflow" },
    ]);
    expect((await src("GET", "/api/webhooks?scope=acme")).body.map((w: { id: string }) => w.id)).toContain(acmeHook.id);
  });

  it("`bifrost import` lists the webhooks whose secret to make", { timeout: 60_000 }, async () => {
    const target = await fresh();
    const file = join(target.db.dir, "bundle.json");
    writeFileSync(file, (await exported(src)).text);
    const result = await runCli(["import", file], { env: target.env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "schedules: 4 created, 0 updated, 0 unchanged; webhooks: 2 created, 0 updated, 0 unchanged\n",
    );
    expect(result.stdout).toContain(
      `2 webhook(s) were created with a new secret nobody has seen; make one to give each sender:\n  bifrost webhooks rotate-secret ${globalHook.id}\n  bifrost webhooks rotate-secret ${acmeHook.id}\n`,
    );
    expect((await target.api(target.adminToken)("GET", `/api/schedules/${acmeSchedule}`)).status).toBe(404); // new ids here
  });
});

async function schedulerIds(t: TestPlatform): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL);
  const queue = new ScheduleQueue(redis, t.queuePrefix);
  try {
    return (await queue.schedulers()).map((s) => s.id).sort();
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
