import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { EXECUTIONS_QUEUE, type ExecutionJobData } from "../../src/executions/execution-queue.ts";
import { ExecutionSignals, type Notice } from "../../src/executions/execution-signals.ts";
import { ExecutionStore } from "../../src/executions/execution-store.ts";
import type { ExecutionRow } from "../../src/executions/execution-view.ts";
import { createRedisConnection } from "../../src/queue/redis-connection.ts";
import { GLOBAL_SCOPE, orgScope, type OrgRef, type Scope } from "../../src/orgs/index.ts";
import { RESULT_LIMIT } from "../../sdk/execution-parts.ts";
import { ERROR_LIMIT } from "../../workers/execution-runner.ts";
import { startWorker } from "../../workers/start-worker.ts";
import { dumpAllTables } from "../support/test-database.ts";
import { filesUnder, findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// Executions end to end through the real queue: HTTP → ExecutionService → BullMQ on the local
// Redis → the worker (in this process, as `bifrost start` runs it) → the database.

let t: TestPlatform;
let admin: Api;
let acme: OrgRef;
let acmeApi: Api;
let otherApi: Api;

beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
  acmeApi = t.api(await t.orgToken("exec-acme"));
  otherApi = t.api(await t.orgToken("exec-other"));
  acme = (await t.platform.orgs.find("exec-acme"))!;
});
afterAll(() => t?.close());

const start = (api: Api, workflow: string, body: unknown = {}, query = "", headers: Record<string, string> = {}) =>
  api("POST", `/api/workflows/${workflow}/executions${query}`, body, headers);

/** A row and its job made without ExecutionService, as another version or a damaged queue might have. */
const queueDirectly = async (workflow: string, scope: Scope, data: (id: string) => ExecutionJobData) => {
  const id = randomUUID();
  await new ExecutionStore(t.platform.db).create({
    id,
    workflow,
    scope,
    params: {},
    createdBy: "test",
    hasUserConfig: false,
  });
  const { redisUrl, queuePrefix } = t.platform.settings;
  const queue = new Queue<ExecutionJobData>(EXECUTIONS_QUEUE, { connection: { url: redisUrl }, prefix: queuePrefix });
  try {
    await queue.add(workflow, data(id), { jobId: id, removeOnComplete: true, removeOnFail: true });
  } finally {
    await queue.close();
  }
  return id;
};
const settle = async (id: string) => t.server.executions.view(await t.server.executions.waitForEnd(id, 20_000));
const tmpFile = (name: string) => join(t.db.dir, `${name}-${randomBytes(4).toString("hex")}.log`);
const jobKeys = async () =>
  (await t.redisDump()).split("\n").filter((line) => /:executions:[0-9a-f-]{36} hash/.test(line));

describe("before any worker runs", () => {
  it("queues an execution as pending and returns 202 with its id", async () => {
    const res = await start(admin, "noop");
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      workflow: "noop",
      status: "pending",
      scope: "global",
      org: null,
      attempts: 0,
      startedAt: null,
    });
    expect((await admin("GET", `/api/executions/${res.body.id}`)).body.status).toBe("pending");
  });

  it("with wait= answers 202 with the still-pending execution when the wait ends first", async () => {
    const res = await start(admin, "noop", {}, "?wait=300");
    expect(res.status).toBe(202);
    expect(res.body.status).toBe("pending");
  });

  it("cancels a pending execution at once, drops its job, and a worker started later skips it", async () => {
    const queued = await start(admin, "slow", { params: { ms: 1, file: tmpFile("never") } }, "", {
      "Config-Api-Key": "pending-user-key-123",
    });
    const res = await admin("POST", `/api/executions/${queued.body.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "cancelled", startedAt: null });
    expect(await jobKeys()).not.toContainEqual(expect.stringContaining(queued.body.id));
    expect((await admin("POST", `/api/executions/${queued.body.id}/cancel`)).body.error.code).toBe(
      "EXECUTION_FINISHED",
    );
  });

  it("keeps per-user config out of Redis in plaintext while the job waits", async () => {
    const value = `user_key_${randomBytes(8).toString("hex")}`;
    const res = await start(admin, "per_user_config", {}, "", { "Config-Api-Key": value });
    const dump = await t.redisDump();
    expect(dump).toContain(res.body.id);
    expect(dump).not.toContain(value);
  });

  it("then a worker starts and runs everything still pending", async () => {
    const worker = await startWorker(t.platform, { catalog: t.server.catalog });
    t.worker = worker;
    const pending = (await admin("GET", "/api/executions?status=pending")).body as { id: string }[];
    expect(pending.length).toBeGreaterThanOrEqual(3);
    for (const { id } of pending) expect((await settle(id)).status).toBe("success");
  });
});

describe("running executions", () => {
  it("stores status, result, logs, start and finish times and duration; wait= returns the finished run", async () => {
    const res = await start(admin, "echo_params", { params: { n: 7 } }, "?wait=20000");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "success",
      params: { n: 7 },
      result: { n: 7, tag: "none" },
      error: null,
      attempts: 1,
    });
    expect(res.body.logs).toEqual([{ seq: 1, at: expect.any(String), level: "info", message: "n is 7" }]);
    const { startedAt, finishedAt, durationMs, createdAt } = res.body;
    expect(Date.parse(startedAt)).toBeGreaterThanOrEqual(Date.parse(createdAt));
    expect(Date.parse(finishedAt) - Date.parse(startedAt)).toBe(durationMs);
    expect((await admin("GET", `/api/executions/${res.body.id}`)).body).toEqual(res.body);
  });

  it("fails a run whose result is larger than a run may store, and stores a result just under the limit", async () => {
    const over = await start(admin, "sized_result", { params: { chars: RESULT_LIMIT - 1 } }, "?wait=20000");
    expect(over.body).toMatchObject({
      status: "failed",
      result: null,
      error: expect.stringMatching(
        /^ResultTooLargeError: The workflow returned 4,000,001 characters of JSON; a run may return at most 4,000,000/,
      ),
    });
    const under = await start(admin, "sized_result", { params: { chars: RESULT_LIMIT - 2 } }, "?wait=20000");
    expect(under.body).toMatchObject({ status: "success" });
    expect((under.body.result as string).length).toBe(RESULT_LIMIT - 2);
  });

  it("cuts a long error to ERROR_LIMIT characters after scrubbing it, saying how much was cut", async () => {
    const secret = `error-${randomBytes(8).toString("hex")}`;
    await t.platform.configs.set(GLOBAL_SCOPE, "error_secret", { type: "secret", value: secret }, "test");
    const res = await start(admin, "long_error", { params: { chars: 100_000 } }, "?wait=20000");
    expect(res.body.status).toBe("failed");
    const error = res.body.error as string;
    expect(error.startsWith(`Error: ${"e".repeat(1_000)}`)).toBe(true);
    expect(error).toMatch(/… \([\d,]+ more characters not stored\)$/);
    expect(error.length).toBeLessThan(ERROR_LIMIT + 100);
    // The secret sat past the cut; what is stored holds no part of it.
    expect(error).not.toContain(secret.slice(0, 10));
    const short = await start(admin, "long_error", { params: { chars: 10 } }, "?wait=20000");
    expect(short.body.error).toMatch(/^Error: e{10} \[REDACTED\]\n/);
    // NULs in a message (a tool's UTF-16 output): PostgreSQL's text cannot hold one.
    const nuls = await start(admin, "long_error", { params: { chars: 1, utf16: true } }, "?wait=20000");
    expect(nuls.body).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^Error: e s\\x00a\\x00i\\x00d\\x00 \\x00\[REDACTED\]\\x00\n/),
    });
    expect((await admin("GET", `/api/executions/${nuls.body.id}`)).body.error).toBe(nuls.body.error);
  });

  it("runs in its row's scope when its job names another scope (the row is the truth)", async () => {
    await t.platform.configs.set(GLOBAL_SCOPE, "greeting", { type: "string", value: "hello" }, "test");
    await t.platform.configs.set(orgScope(acme), "greeting", { type: "string", value: "howdy" }, "test");
    const id = await queueDirectly("read_cascade", GLOBAL_SCOPE, (executionId) => ({
      executionId,
      scope: acme.id,
      userConfig: null,
    }));
    expect(await settle(id)).toMatchObject({
      status: "success",
      scope: "global",
      org: null,
      result: { greeting: "hello" },
    });
  });

  it("scrubs a secret set between two runs of a scope from the second's output: what a worker keeps of a scope's secrets follows every change", async () => {
    const echo = async (tag: string, scope: string) =>
      (await start(admin, "echo_params", { params: { n: 1, tag } }, `?scope=${scope}&wait=20000`)).body;
    for (const scope of [acme.name, "global"]) {
      expect(await echo("before", scope)).toMatchObject({ status: "success", result: { tag: "before" } }); // the worker now knows the scope's secrets
      const secret = `kept-${randomBytes(8).toString("hex")}`;
      expect([200, 201]).toContain(
        (await admin("PUT", `/api/configs/kept_secret?scope=${scope}`, { type: "secret", value: secret })).status,
      );
      expect(await echo(secret, scope)).toMatchObject({ status: "success", result: { tag: "[REDACTED]" } });
    }
  });

  it("fails a run of a workflow this worker has not loaded, whatever else about it fails (a job queued before jobs named their scope, of an org since gone)", async () => {
    const gone = orgScope({ id: randomUUID(), name: "gone" });
    const id = await queueDirectly("not_loaded_here", gone, (executionId) => ({ executionId, userConfig: null }));
    expect(await settle(id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^Workflow "not_loaded_here" is not loaded in worker/),
    });
  });

  it("refuses bad params with 400 listing each problem, and records nothing", async () => {
    const before = (await admin("GET", "/api/executions?limit=1000")).body.length;
    const res = await start(admin, "echo_params", { params: { n: 1.5, tag: 3 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "body.params.n",
      "body.params.tag",
    ]);
    expect((await start(admin, "echo_params")).body.error.details.issues).toEqual([
      { path: "body.params.n", message: expect.any(String) },
    ]);
    expect((await admin("GET", "/api/executions?limit=1000")).body.length).toBe(before);
  });

  it.each([
    ["an unknown workflow", "no_such_workflow", {}, "", undefined, 404, "WORKFLOW_NOT_FOUND"],
    ["a negative wait", "noop", {}, "?wait=-1", undefined, 400, "VALIDATION_ERROR"],
    ["a wait that is not a number", "noop", {}, "?wait=soon", undefined, 400, "VALIDATION_ERROR"],
    ["a wait over the limit", "noop", {}, "?wait=300001", undefined, 400, "VALIDATION_ERROR"],
    ["an unknown body field", "noop", { params: {}, extra: 1 }, "", undefined, 400, "VALIDATION_ERROR"],
    ["a body that is not an object", "noop", [1, 2], "", undefined, 400, "VALIDATION_ERROR"],
    ["a non-JSON body", "noop", "params=1", "", { "content-type": "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    ["an unknown org", "noop", {}, "?scope=nope-org", undefined, 404, "ORG_NOT_FOUND"],
    ["a malformed Config- header name", "noop", {}, "", { "Config-": "x" }, 400, "VALIDATION_ERROR"],
  ])("refuses %s", async (_what, workflow, body, query, headers, status, code) => {
    const before = (await admin("GET", "/api/executions?limit=1000")).body.length;
    const res = await start(admin, workflow, body, query, headers);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await admin("GET", "/api/executions?limit=1000")).body.length).toBe(before);
  });

  it("refuses with 422 before enqueueing when declared secrets do not resolve in the scope, naming them", async () => {
    let res = await start(admin, "needs_secrets", {}, `?scope=${acme.name}`);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "SECRETS_MISSING",
      details: {
        missing: [
          { key: "partner_token", reason: "not_set" },
          { key: "partner_signing_key", reason: "not_set" },
        ],
      },
    });
    expect(res.body.error.message).toContain('"partner_token"');

    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "partner_signing_key",
      { type: "secret", value: "global-signing-key" },
      "test",
    );
    await t.platform.configs.set(
      orgScope(acme),
      "partner_token",
      { type: "secret", value: "acme-partner-token" },
      "test",
    );
    res = await start(admin, "needs_secrets");
    expect(res.body.error.details.missing).toEqual([{ key: "partner_token", reason: "not_set" }]);

    // A secret row without a value (as a portable import leaves it) is missing too.
    await t.platform.db.prisma.config.create({
      data: {
        id: "00000000-0000-4000-8000-00000000e001",
        scope: "global",
        key: "partner_token",
        type: "secret",
        createdBy: "test",
        updatedBy: "test",
      },
    });
    res = await start(admin, "needs_secrets");
    expect(res.body.error.details.missing).toEqual([{ key: "partner_token", reason: "no_value" }]);

    res = await start(admin, "needs_secrets", {}, `?scope=${acme.name}&wait=20000`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "success",
      org: { id: acme.id, name: acme.name },
      result: { tokenLength: 18, token: "[REDACTED]" },
    });
    const audit = (await admin("GET", `/api/audit?action=secret.read&key=partner_token`)).body;
    expect(audit[0]).toMatchObject({ actor: "workflow:needs_secrets", scope: acme.id, executionId: res.body.id });
  });

  it("fails a run that reads a secret it did not declare, with SecretAccessError's message", async () => {
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "api_secret",
      { type: "secret", value: "undeclared-secret-value" },
      "test",
    );
    const res = await start(admin, "read_undeclared", {}, "?wait=20000");
    expect(res.body.status).toBe("failed");
    expect(res.body.error).toMatch(
      /^SecretAccessError: Workflow "read_undeclared" read secret "api_secret" without declaring it/,
    );
    expect(res.text).not.toContain("undeclared-secret-value");
  });

  it("ends a run that outlives its timeoutMs as timeout", async () => {
    const res = await start(admin, "sleepy", {}, "?wait=20000");
    expect(res.body).toMatchObject({ status: "timeout", error: expect.stringContaining("timed out after 200 ms") });
  });

  it("cancels a running execution through ctx.signal, across the API and the worker", async () => {
    const queued = await start(admin, "wait_for_cancel");
    // Its first line stored (live logs) means its code runs: a cancel sent when the row just turned
    // running could end it before the code logged anything.
    await expect
      .poll(async () => (await admin("GET", `/api/executions/${queued.body.id}`)).body.logs.length, { timeout: 10_000 })
      .toBe(1);
    const res = await admin("POST", `/api/executions/${queued.body.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "cancelled", error: expect.stringContaining("cancelled") });
    expect(res.body.logs.map((l: { message: string }) => l.message)).toEqual(["waiting to be cancelled"]);
  });

  it("retries a failing run up to `retries` times, keeping each attempt's logs", async () => {
    const file = tmpFile("flaky");
    const recovered = await settle((await start(admin, "flaky", { params: { file, failures: 2 } })).body.id);
    expect(recovered).toMatchObject({ status: "success", attempts: 3, result: { succeededOnRun: 3 } });
    expect(recovered.logs.map((l) => l.message)).toEqual([
      "Attempt 1 of 3 failed; retrying",
      "Attempt 2 of 3 failed; retrying",
    ]);

    const file2 = tmpFile("flaky");
    const exhausted = await settle((await start(admin, "flaky", { params: { file: file2, failures: 5 } })).body.id);
    expect(exhausted).toMatchObject({
      status: "failed",
      attempts: 3,
      error: expect.stringContaining("planned failure 3 of 5"),
    });
    expect(readFileSync(file2, "utf8").trim().split("\n")).toHaveLength(3);
  });

  it("gives per-user config to the run only, scrubbed, and never stores it", async () => {
    const value = `user_key_${randomBytes(8).toString("hex")}`;
    const res = await start(admin, "per_user_config", {}, "?wait=20000", {
      "Config-Api-Key": value,
      "Config-Other_Header": "present",
      "X-Api-Key": "not-for-workflows",
    });
    expect(res.body).toMatchObject({
      status: "success",
      result: { key: "[REDACTED]", hasOther: true, authorization: null },
    });
    expect(res.body.logs[0].message).toBe("calling the partner with [REDACTED]");
    expect(res.text).not.toContain(value);
    expect(await dumpAllTables(t.db)).not.toContain(value);
    expect(await t.redisDump()).not.toContain(value);
    expect(t.logs()).not.toContain(value);
    expect(await jobKeys()).toEqual([]);
  });
});

describe("notices of ended runs", () => {
  /** Signals of a process of their own (as a worker's are), on the same Redis and prefix as the server's. */
  const withSignals = async (hears: Notice[], use: (signals: ExecutionSignals) => Promise<void>) => {
    const { settings, logger } = t.platform;
    const publisher = createRedisConnection(settings.redisUrl, logger, { role: "test-publisher" });
    const subscriber = createRedisConnection(settings.redisUrl, logger, { role: "test-subscriber" });
    const signals = new ExecutionSignals(publisher, subscriber, settings.queuePrefix, logger, hears);
    // Answered after the SUBSCRIBE the constructor sent: from here on, this process hears notices.
    await subscriber.ping();
    try {
      await use(signals);
    } finally {
      await signals.close();
      subscriber.disconnect();
      publisher.disconnect();
    }
  };
  const endedRow = (overrides: Partial<ExecutionRow> = {}): ExecutionRow => ({
    id: randomUUID(),
    workflow: "noop",
    scope: acme.id,
    orgId: acme.id,
    status: "success",
    params: "{}",
    result: JSON.stringify({ from: "notice" }),
    error: null,
    logs: "[]",
    attempts: 1,
    hasUserConfig: true,
    trigger: "api",
    workerId: null,
    createdAt: new Date(Date.now() - 5),
    createdBy: "test",
    startedAt: new Date(Date.now() - 3),
    finishedAt: new Date(),
    durationMs: 3,
    authority: "scope",
    ...overrides,
  });
  const heard = (signals: ExecutionSignals, id: string) =>
    new Promise<ExecutionRow | null>((resolve) => {
      const stop = signals.onFinished(id, (_, ended) => {
        stop();
        resolve(ended);
      });
    });

  it("carry the ended row, dates and all, when it is small; only the id when it is not", async () => {
    await withSignals(["finished"], async (signals) => {
      const small = endedRow();
      const smallHeard = heard(signals, small.id);
      await signals.publishFinished(small.id, small);
      expect(await smallHeard).toEqual(small);

      const large = endedRow({ result: JSON.stringify("é".repeat(10_000)) }); // 20,000 bytes of UTF-8
      const largeHeard = heard(signals, large.id);
      await signals.publishFinished(large.id, large);
      expect(await largeHeard).toBeNull();
    });
  });

  it("end a wait with the row they carry, without reading it", async () => {
    // The row stays pending in the database: only the notice can end this wait.
    const pending = await new ExecutionStore(t.platform.db).create({
      id: randomUUID(),
      workflow: "not_loaded_here",
      scope: orgScope(acme),
      params: {},
      createdBy: "test",
      hasUserConfig: false,
    });
    const waiting = t.server.executions.waitForEnd(pending.id, 10_000);
    await withSignals([], async (signals) => {
      await signals.publishFinished(pending.id, endedRow({ id: pending.id }));
    });
    expect(await waiting).toMatchObject({
      id: pending.id,
      status: "success",
      result: JSON.stringify({ from: "notice" }),
    });
    await t.platform.db.write((tx) => tx.execution.delete({ where: { id: pending.id } }));
  });

  it("reach only the processes that wait for them: a worker subscribes to cancels alone", async () => {
    const { settings, logger } = t.platform;
    const redis = createRedisConnection(settings.redisUrl, logger, { role: "test-pubsub" });
    const subscribers = async () => {
      const [, finished, , cancel] = (await redis.pubsub(
        "NUMSUB",
        `${settings.queuePrefix}:executions:finished`,
        `${settings.queuePrefix}:executions:cancel`,
      )) as [string, number, string, number];
      return { finished, cancel };
    };
    try {
      const before = await subscribers();
      const worker = await startWorker(t.platform, { concurrency: 1 });
      try {
        // Its SUBSCRIBE goes out on a connection of its own: wait until Redis has counted it.
        await expect.poll(subscribers).toEqual({ finished: before.finished, cancel: before.cancel + 1 });
      } finally {
        await worker.close();
      }
      await withSignals(["cancel"], async (signals) => {
        expect(() => signals.onFinished(randomUUID(), () => undefined)).toThrow(/does not listen for "finished"/);
      });
    } finally {
      redis.disconnect();
    }
  });

  it("make wait= answer what a read gives, for a run in an org and for one too large to be carried", async () => {
    for (const tag of ["small", "x".repeat(20_000)]) {
      const res = await start(acmeApi, "echo_params", { params: { n: 2, tag } }, "?wait=20000");
      expect(res.body).toMatchObject({
        status: "success",
        org: { id: acme.id, name: "exec-acme" },
        result: { n: 2, tag },
      });
      expect((await acmeApi("GET", `/api/executions/${res.body.id}`)).body).toEqual(res.body);
    }
  });
});

describe("who may run and see what", () => {
  it("runs in the token's own org; refuses another org and global scope to an org token", async () => {
    const own = await start(acmeApi, "echo_params", { params: { n: 1 } }, "?wait=20000");
    expect(own.body).toMatchObject({ status: "success", org: { name: "exec-acme" } });
    expect((await start(acmeApi, "noop", {}, "?scope=exec-other")).status).toBe(403);
    expect((await start(acmeApi, "noop", {}, "?scope=global")).status).toBe(403);
    expect((await start(acmeApi, "noop", {}, "?scope=no-such-org")).status).toBe(403);

    expect((await otherApi("GET", `/api/executions/${own.body.id}`)).status).toBe(403);
    expect((await otherApi("POST", `/api/executions/${own.body.id}/cancel`)).status).toBe(403);
    expect((await acmeApi("GET", `/api/executions/${own.body.id}`)).status).toBe(200);
    const listed = (await otherApi("GET", "/api/executions")).body as { id: string }[];
    expect(listed.map((e) => e.id)).not.toContain(own.body.id);
    expect((await otherApi("GET", "/api/executions?scope=exec-acme")).status).toBe(403);
    expect((await t.api(null)("GET", "/api/executions")).status).toBe(401);
  });

  it("filters the list by workflow, status, scope and limit, newest first", async () => {
    const all = (await admin("GET", "/api/executions?limit=1000")).body as {
      createdAt: string;
      workflow: string;
      status: string;
    }[];
    expect(all.map((e) => e.createdAt)).toEqual([...all.map((e) => e.createdAt)].sort().reverse());
    expect(((await admin("GET", "/api/executions?workflow=flaky")).body as unknown[]).length).toBe(2);
    expect(((await admin("GET", "/api/executions?workflow=flaky&status=failed")).body as unknown[]).length).toBe(1);
    expect(
      ((await admin("GET", `/api/executions?scope=${acme.id}`)).body as { org: { name: string } }[]).every(
        (e) => e.org.name === "exec-acme",
      ),
    ).toBe(true);
    expect(((await admin("GET", "/api/executions?limit=2")).body as unknown[]).length).toBe(2);
    expect((await admin("GET", "/api/executions?status=done")).status).toBe(400);
    expect((await admin("GET", "/api/executions/not-an-id")).body.error.code).toBe("EXECUTION_NOT_FOUND");
  });
});

describe("secret hygiene", () => {
  it("leaves no plaintext of a secret or a per-user value a workflow leaked on purpose, anywhere", async () => {
    const secret = makeSecret("workflow secret", { special: true });
    // Header values are Latin-1 on the wire: no special (non-ASCII) characters here.
    const user = makeSecret("per-user value");
    await admin("PUT", "/api/configs/api_secret", { type: "secret", value: secret.plaintext });
    // Every pub/sub message of this platform meanwhile: the "ended" notices carry rows.
    const { settings, logger } = t.platform;
    const listener = createRedisConnection(settings.redisUrl, logger, { role: "test-listener" });
    const messages: string[] = [];
    listener.on("pmessage", (_pattern: string, channel: string, message: string) =>
      messages.push(`${channel} ${message}`),
    );
    await listener.psubscribe(`${settings.queuePrefix}:*`);
    const responses: string[] = [];
    try {
      for (const mode of ["return", "throw"]) {
        const res = await start(admin, "leak_everything", { params: { mode } }, `?scope=${acme.name}&wait=20000`, {
          "Config-User-Token": user.plaintext,
        });
        expect(res.body.status).toBe(mode === "return" ? "success" : "failed");
        responses.push(res.text, (await admin("GET", `/api/executions/${res.body.id}`)).text);
      }
      await listener.ping(); // after every message published before it
    } finally {
      listener.disconnect();
    }
    expect(
      messages.filter((m) => m.includes(":executions:finished ") && m.includes('"workflow":"leak_everything"')),
    ).toHaveLength(2);
    responses.push(
      (await admin("GET", "/api/executions?limit=1000")).text,
      (await admin("GET", "/api/audit?limit=1000")).text,
    );
    const leaks = findLeaks(
      [
        { where: "database tables", content: await dumpAllTables(t.db) },
        // The SQLite database, its -wal and -shm files, the server log.
        ...filesUnder(t.db.dir),
        { where: "Redis", content: await t.redisDump() },
        { where: "Redis pub/sub", content: messages.join("\n") },
        ...responses.map((content, i) => ({ where: `response ${i}`, content })),
      ],
      [...needlesFor(secret), ...needlesFor(user)],
    );
    expect(leaks).toEqual([]);
  });
});
