import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScheduleFirer, ScheduleQueue, ScheduleStore } from "../../src/schedules/index.ts";
import { ExecutionStore } from "../../src/executions/index.ts";
import { TEST_REDIS_URL, startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { lines, parseTable, runCli } from "./cli-runner.ts";

// The schedules API and CLI against the real platform (no worker here: nothing fires by itself;
// schedule-fires.test.ts has the firing). The minimum interval is the default, 60 s.

let t: TestPlatform;
let admin: Api;
let acme: { id: string; name: string };
let acmeApi: Api;
let otherApi: Api;

beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
  acmeApi = t.api(await t.orgToken("acme"));
  otherApi = t.api(await t.orgToken("other"));
  acme = (await t.platform.orgs.find("acme"))!;
});
afterAll(() => t?.close());

const parisTime = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));

describe("POST /api/schedules", () => {
  it("creates a schedule for the scope asked for, firing next at the cron's time in its time zone", async () => {
    const res = await admin("POST", "/api/schedules?scope=acme", {
      workflow: "echo_params",
      cron: " 0  9 * * 1-5 ",
      timezone: "Europe/Paris",
      params: { n: 7 },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workflow: "echo_params",
      scope: acme.id,
      org: { id: acme.id, name: "acme" },
      cron: "0 9 * * 1-5",
      timezone: "Europe/Paris",
      params: { n: 7 },
      enabled: true,
      overlap: "skip",
      lastRunAt: null,
      lastExecutionId: null,
      createdBy: "token:test-admin",
    });
    // 09:00 in Paris, on a weekday, within the next 4 days.
    expect(parisTime(res.body.nextRunAt)).toBe("09:00");
    expect([0, 6]).not.toContain(new Date(res.body.nextRunAt).getUTCDay());
    expect(Date.parse(res.body.nextRunAt) - Date.now()).toBeLessThan(4 * 86_400_000);
    expect(await redisSchedulerIds()).toContain(res.body.id);
  });

  it("defaults to UTC, overlap skip, enabled; 6 fields read seconds first; a paused one has no next run", async () => {
    const res = await admin("POST", "/api/schedules", { workflow: "noop", cron: "30 15 10 * * *" });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      scope: "global",
      org: null,
      timezone: "UTC",
      overlap: "skip",
      enabled: true,
      params: {},
    });
    expect(res.body.nextRunAt).toMatch(/T10:15:30\.000Z$/);
    const paused = await admin("POST", "/api/schedules", {
      workflow: "noop",
      cron: "0 * * * *",
      enabled: false,
      overlap: "allow",
    });
    expect(paused.body).toMatchObject({ enabled: false, overlap: "allow", nextRunAt: null });
    expect(await redisSchedulerIds()).not.toContain(paused.body.id);
  });

  it("refuses a bad cron, time zone, interval, workflow or params with a 4xx naming the problem, and records nothing", async () => {
    const before = await t.platform.db.prisma.schedule.count();
    const auditBefore = await t.platform.db.prisma.auditEvent.count();
    const cases: [unknown, number, string, RegExp][] = [
      [{ workflow: "noop", cron: "* * * *" }, 400, "body.cron", /5 fields .* or 6 \(seconds first\), not 4/],
      [{ workflow: "noop", cron: "0 0 * * * * *" }, 400, "body.cron", /not 7/],
      [{ workflow: "noop", cron: "@daily" }, 400, "body.cron", /not 1/],
      [{ workflow: "noop", cron: "61 * * * *" }, 400, "body.cron", /got value 61 expected range 0-59/],
      [
        { workflow: "noop", cron: "0 9 * * *", timezone: "Mars/Olympus_Mons" },
        400,
        "body.timezone",
        /not an IANA time zone name/,
      ],
      [
        { workflow: "noop", cron: "*/30 * * * * *" },
        400,
        "body.cron",
        /every 30 s; a schedule may fire at most every 60 s \(BIFROST_SCHEDULE_MIN_INTERVAL_S\)/,
      ],
      [{ workflow: "noop", cron: "0,30 * * * * *" }, 400, "body.cron", /every 30 s/],
      [{ workflow: "noop", cron: "0 9 * * *", overlap: "queue" }, 400, "body.overlap", /skip|allow/],
      [{ workflow: "noop", cron: "0 9 * * *", every: 5 }, 400, "body", /every/],
      [{ workflow: "echo_params", cron: "0 9 * * *", params: { n: "seven" } }, 400, "body.params.n", /number/],
      [{ workflow: "no_such_workflow", cron: "0 9 * * *" }, 404, "", /No workflow named "no_such_workflow"/],
    ];
    for (const [body, status, path, message] of cases) {
      const res = await admin("POST", "/api/schedules", body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (status === 400) {
        expect(res.body.error.code).toBe("VALIDATION_ERROR");
        expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
      } else expect(res.body.error.code).toBe("WORKFLOW_NOT_FOUND");
      expect(res.body.error.message).toMatch(message);
    }
    expect(await t.platform.db.prisma.schedule.count()).toBe(before);
    expect(await t.platform.db.prisma.auditEvent.count()).toBe(auditBefore);
    // Every minute is the default minimum exactly: allowed.
    expect((await admin("POST", "/api/schedules", { workflow: "noop", cron: "* * * * *" })).status).toBe(201);
  });
});

describe("GET, PATCH and DELETE /api/schedules", () => {
  it("pauses, resumes and changes a schedule, its job scheduler in Redis following; deletes it", async () => {
    const { body: created } = await admin("POST", "/api/schedules", {
      workflow: "echo_params",
      cron: "0 8 * * *",
      params: { n: 1 },
    });
    const paused = await admin("PATCH", `/api/schedules/${created.id}`, { enabled: false });
    expect(paused.body).toMatchObject({ enabled: false, nextRunAt: null, updatedBy: "token:test-admin" });
    expect(await redisSchedulerIds()).not.toContain(created.id);
    const resumed = await admin("PATCH", `/api/schedules/${created.id}`, {
      enabled: true,
      cron: "15 8 * * *",
      timezone: "America/New_York",
      params: { n: 2, tag: "x" },
      overlap: "allow",
    });
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.body).toMatchObject({
      enabled: true,
      cron: "15 8 * * *",
      timezone: "America/New_York",
      params: { n: 2, tag: "x" },
      overlap: "allow",
    });
    expect(
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "America/New_York",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(new Date(resumed.body.nextRunAt)),
    ).toBe("08:15");
    const [held] = (await redisSchedulers()).filter((s) => s.key === created.id);
    expect(held).toMatchObject({ pattern: "15 8 * * *", tz: "America/New_York" });
    expect((await admin("GET", `/api/schedules/${created.id}`)).body).toEqual(resumed.body);

    // A bad change changes nothing.
    for (const body of [{ cron: "* * * * * *" }, { workflow: "noop" }, { params: { n: "two" } }, { enabled: "yes" }]) {
      const res = await admin("PATCH", `/api/schedules/${created.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin("GET", `/api/schedules/${created.id}`)).body).toEqual(resumed.body);

    expect((await admin("DELETE", `/api/schedules/${created.id}`)).status).toBe(204);
    expect((await admin("GET", `/api/schedules/${created.id}`)).body.error.code).toBe("SCHEDULE_NOT_FOUND");
    expect(await redisSchedulerIds()).not.toContain(created.id);
    expect((await admin("DELETE", `/api/schedules/${created.id}`)).status).toBe(404);
  });

  it("pauses a schedule whose workflow is gone or that fires more often than the minimum now allows", async () => {
    const { body: created } = await admin("POST", "/api/schedules", { workflow: "noop", cron: "0 7 * * *" });
    // As if made under a lower BIFROST_SCHEDULE_MIN_INTERVAL_S, of a workflow since removed.
    await t.platform.db.prisma.schedule.update({
      where: { id: created.id },
      data: { cron: "* * * * * *", workflow: "removed_workflow" },
    });
    const paused = await admin("PATCH", `/api/schedules/${created.id}`, { enabled: false });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body).toMatchObject({ enabled: false, workflow: "removed_workflow" });
    expect((await admin("PATCH", `/api/schedules/${created.id}`, { enabled: true })).status).toBe(200);
    expect((await admin("PATCH", `/api/schedules/${created.id}`, { cron: "*/2 * * * * *" })).status).toBe(400);
    expect((await admin("PATCH", `/api/schedules/${created.id}`, { params: {} })).body.error.code).toBe(
      "WORKFLOW_NOT_FOUND",
    );
  });

  it("lists by scope and workflow", async () => {
    const { body: mine } = await admin("POST", "/api/schedules?scope=acme", { workflow: "noop", cron: "0 1 * * *" });
    const all = (await admin("GET", "/api/schedules")).body.map((s: { id: string }) => s.id);
    expect(all).toContain(mine.id);
    const acmeNoops = (await admin("GET", "/api/schedules?scope=acme&workflow=noop")).body;
    expect(acmeNoops.map((s: { id: string }) => s.id)).toContain(mine.id);
    expect(
      acmeNoops.every((s: { scope: string; workflow: string }) => s.scope === acme.id && s.workflow === "noop"),
    ).toBe(true);
    expect(
      (await admin("GET", "/api/schedules?scope=global")).body.every((s: { scope: string }) => s.scope === "global"),
    ).toBe(true);
    expect((await admin("GET", "/api/schedules?workflow=Not-A-Name")).status).toBe(400);
  });

  it("an org token manages only its own org's schedules: another org's answer as if they did not exist", async () => {
    const created = await acmeApi("POST", "/api/schedules", { workflow: "noop", cron: "0 2 * * *" });
    expect(created.status, created.text).toBe(201);
    expect(created.body.scope).toBe(acme.id);
    expect((await acmeApi("GET", "/api/schedules")).body.every((s: { scope: string }) => s.scope === acme.id)).toBe(
      true,
    );
    expect((await otherApi("GET", "/api/schedules")).body.map((s: { id: string }) => s.id)).not.toContain(
      created.body.id,
    );

    const missing = randomUUID();
    for (const [method, body] of [["GET"], ["PATCH", { enabled: false }], ["DELETE"]] as const) {
      const theirs = await otherApi(method, `/api/schedules/${created.body.id}`, body);
      const none = await otherApi(method, `/api/schedules/${missing}`, body);
      expect([theirs.status, none.status]).toEqual([404, 404]);
      expect(theirs.body.error.message.replace(created.body.id, "ID")).toBe(
        none.body.error.message.replace(missing, "ID"),
      );
    }
    expect((await admin("GET", `/api/schedules/${created.body.id}`)).body.enabled).toBe(true);

    const existing = await otherApi("POST", "/api/schedules?scope=acme", { workflow: "noop", cron: "0 3 * * *" });
    const unknown = await otherApi("POST", "/api/schedules?scope=no-such-org", { workflow: "noop", cron: "0 3 * * *" });
    expect([existing.status, unknown.status]).toEqual([403, 403]);
    // The wording is the shared access policy's (src/auth); the code is the same either way.
    expect(existing.body.error.code).toBe(unknown.body.error.code);
    const listTheirs = await otherApi("GET", "/api/schedules?scope=acme");
    const listNone = await otherApi("GET", "/api/schedules?scope=no-such-org");
    expect([listTheirs.status, listTheirs.body.error.code]).toEqual([listNone.status, listNone.body.error.code]);
    expect((await acmeApi("POST", "/api/schedules?scope=global", { workflow: "noop", cron: "0 3 * * *" })).status).toBe(
      403,
    );
  });

  it("audits every change with who, the scope and the schedule, never its params", async () => {
    const { body: s } = await admin("POST", "/api/schedules?scope=acme", {
      workflow: "echo_params",
      cron: "0 4 * * *",
      params: { n: 424242, tag: "param-marker" },
    });
    await admin("PATCH", `/api/schedules/${s.id}`, { enabled: false });
    await admin("DELETE", `/api/schedules/${s.id}`);
    const rows = (await admin("GET", `/api/audit?scope=acme&limit=10`)).body.filter(
      (r: { details?: { schedule?: string } }) => r.details?.schedule === s.id,
    );
    expect(rows.map((r: { action: string }) => r.action)).toEqual([
      "schedule.delete",
      "schedule.update",
      "schedule.create",
    ]);
    expect(rows[1]).toMatchObject({
      actor: "token:test-admin",
      scope: acme.id,
      details: { changed: "enabled", enabled: false },
    });
    expect(rows[2].details).toMatchObject({ workflow: "echo_params", cron: "0 4 * * *", timezone: "UTC" });
    const stored = JSON.stringify(await t.platform.db.prisma.auditEvent.findMany());
    expect(stored).not.toContain("param-marker");
    expect(stored).not.toContain("424242");
  });
});

describe("hostile input", () => {
  it("gets a 4xx, never a 5xx, on the schedule and webhook routes, and changes nothing", async () => {
    const schedules = await t.platform.db.prisma.schedule.count();
    const hooks = await t.platform.db.prisma.webhook.count();
    const probes: [string, string, unknown?, Record<string, string>?][] = [
      ["GET", "/api/schedules?scope=%00"],
      ["GET", "/api/schedules?workflow=%00"],
      ["GET", "/api/schedules/%00"],
      ["GET", `/api/schedules/${"a".repeat(5000)}`],
      ["PATCH", "/api/schedules/%00", { enabled: false }],
      ["POST", "/api/schedules", { workflow: "noop", cron: "0 9 * * *\u0000" }],
      ["POST", "/api/schedules", { workflow: "noop", cron: "0 9 * * *", timezone: "UTC\u0000" }],
      ["POST", "/api/schedules", { workflow: "noop\u0000", cron: "0 9 * * *" }],
      ["POST", "/api/schedules", { workflow: "noop", cron: "x".repeat(100_000) }],
      ["POST", "/api/schedules", "[1, 2"],
      ["POST", "/api/schedules", { workflow: ["noop"], cron: 5 }],
      ["GET", "/api/webhooks?scope=%00"],
      ["GET", "/api/webhooks?workflow=%00"],
      ["DELETE", "/api/webhooks/%00"],
      ["POST", "/api/webhooks/wh_%00/rotate-secret"],
      ["POST", "/api/webhooks", { workflow: "noop", description: "a\u0000b" }],
      ["POST", "/api/webhooks", { workflow: "noop\u0000" }],
      ["POST", "/hooks/%00", "{}"],
      ["POST", `/hooks/${"w".repeat(10_000)}`, "{}"],
      ["POST", "/api/workflows/noop/executions", { params: {} }, { "Idempotency-Key": "é".repeat(150) }],
    ];
    for (const [method, path, body, headers] of probes) {
      const res = await admin(method, path, body, headers);
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(500);
    }
    expect(await t.platform.db.prisma.schedule.count()).toBe(schedules);
    expect(await t.platform.db.prisma.webhook.count()).toBe(hooks);
  });
});

describe("a fire handled twice", () => {
  it("starts one run: the second attempt at the same fire (another process, a retried job) answers the first's", async () => {
    const { body: s } = await admin("POST", "/api/schedules?scope=acme", { workflow: "noop", cron: "0 5 * * *" });
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new ScheduleQueue(connection, t.queuePrefix);
    const executionStore = new ExecutionStore(t.platform.db);
    const firer = new ScheduleFirer({
      schedules: new ScheduleStore(t.platform.db),
      queue,
      executions: t.server.executions,
      executionStore,
      orgs: t.platform.orgs,
      logger: t.platform.logger,
      connection,
      prefix: t.queuePrefix,
    });
    try {
      const fireAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const outcomes = await Promise.all([
        firer.fire(s.id, fireAt),
        firer.fire(s.id, fireAt),
        firer.fire(s.id, fireAt),
      ]);
      const runs = await t.platform.db.prisma.execution.findMany({ where: { createdBy: `schedule:${s.id}` } });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: "schedule", scope: acme.id, status: "pending" });
      expect(outcomes.map((o) => o.kind).sort()).toEqual(["repeated", "repeated", "started"]);
      for (const o of outcomes) expect(o).toMatchObject({ executionId: runs[0].id });
      expect((await admin("GET", `/api/schedules/${s.id}`)).body).toMatchObject({
        lastRunAt: fireAt.toISOString(),
        lastExecutionId: runs[0].id,
      });

      // The next tick is another fire; an older fire retried late does not move lastRunAt back.
      const next = await firer.fire(s.id, new Date(fireAt.getTime() + 86_400_000));
      expect(next.kind).toBe("skipped"); // overlap skip: the first run is still pending (no worker here)
      await firer.fire(s.id, new Date(fireAt.getTime() - 86_400_000));
      expect((await admin("GET", `/api/schedules/${s.id}`)).body.lastRunAt).toBe(fireAt.toISOString());
    } finally {
      await firer.close();
      await queue.close();
      connection.disconnect();
    }
  });
});

describe("bifrost schedules", () => {
  it("create, list, pause, resume and delete through the CLI", { timeout: 60_000 }, async () => {
    const env = t.env();
    const created = await runCli(
      [
        "schedules",
        "create",
        "echo_params",
        "--cron",
        "0 6 * * *",
        "--tz",
        "Europe/Paris",
        "--org",
        "acme",
        "--param",
        "n=3",
        "--param",
        "tag=cli",
        "--overlap",
        "allow",
        "--json",
      ],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    const schedule = JSON.parse(created.stdout);
    expect(schedule).toMatchObject({
      workflow: "echo_params",
      cron: "0 6 * * *",
      timezone: "Europe/Paris",
      params: { n: 3, tag: "cli" },
      overlap: "allow",
      org: { name: "acme" },
    });

    const [listed, paused] = await Promise.all([
      runCli(["schedules", "list", "--org", "acme", "--workflow", "echo_params"], { env }),
      runCli(["schedules", "pause", schedule.id], { env }),
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseTable(listed.stdout).find((r) => r.id === schedule.id)).toMatchObject({
      workflow: "echo_params",
      org: "acme",
      cron: "0 6 * * *",
      tz: "Europe/Paris",
      overlap: "allow",
    });
    expect(paused.stdout).toBe(`paused schedule ${schedule.id}\n`);
    const resumed = await runCli(["schedules", "resume", schedule.id], { env });
    expect(resumed.stdout).toMatch(new RegExp(`^resumed schedule ${schedule.id}: next run \\S+Z\\n$`));

    const refused = await runCli(["schedules", "create", "noop", "--cron", "* * * * * *"], { env });
    expect(refused.code).toBe(2); // a bad argument
    expect(lines(refused.stderr)).toEqual([
      expect.stringMatching(/^bifrost: VALIDATION_ERROR: body\.cron: fires as often as every 1 s/),
    ]);
    const deleted = await runCli(["schedules", "delete", schedule.id], { env });
    expect(deleted.stdout).toBe(`deleted schedule ${schedule.id}\n`);
    const gone = await runCli(["schedules", "pause", schedule.id], { env });
    expect(lines(gone.stderr)).toEqual([`bifrost: SCHEDULE_NOT_FOUND: No schedule with id "${schedule.id}"`]);
  });
});

async function redisSchedulers() {
  const queue = new ScheduleQueue(new Redis(TEST_REDIS_URL), t.queuePrefix);
  try {
    return await queue.queue.getJobSchedulers(0, -1);
  } finally {
    await queue.close();
    await (await queue.queue.client).quit();
  }
}

async function redisSchedulerIds(): Promise<string[]> {
  return (await redisSchedulers()).map((s) => s.key);
}
