import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigService, ConfigStore } from "../../src/configs/index.ts";
import { ExecutionStore } from "../../src/executions/execution-store.ts";
import { GLOBAL_SCOPE, OrgService, OrgStore, orgScope, scopeId, type Scope } from "../../src/orgs/index.ts";
import { loadWorkflowCatalog, type WorkflowCatalog } from "../../src/workflows/index.ts";
import { ExecutionRunner, type PreparedScope } from "../../workers/execution-runner.ts";
import { ThreadPool } from "../../workers/thread-pool.ts";
import { countedDatabase } from "../support/counted-database.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

const fixtures = fileURLToPath(new URL("../fixtures/workflows/", import.meta.url));
const SECRET = "sk_live_runner_9f8e7d6c5b4a";
const USER_TOKEN = "user-token-abc-123-xyz";

let t: TestPlatform;
let catalog: WorkflowCatalog;
let pool: ThreadPool;
let runner: ExecutionRunner;
let acme: Scope;
beforeAll(async () => {
  t = await startTestPlatform();
  catalog = await loadWorkflowCatalog(fixtures);
  pool = new ThreadPool({
    snapshot: catalog.snapshot,
    threads: 1,
    runsPerThread: 10,
    memoryLimitMb: 256,
    logger: t.platform.logger,
  });
  runner = new ExecutionRunner(t.platform.configs, t.platform.orgs, () => pool);
  acme = orgScope(await t.platform.orgs.create("runner-acme", "test"));
  await t.platform.configs.set(GLOBAL_SCOPE, "api_secret", { type: "secret", value: SECRET }, "test");
  await t.platform.configs.set(GLOBAL_SCOPE, "greeting", { type: "string", value: "hello" }, "test");
  await t.platform.configs.set(acme, "greeting", { type: "string", value: "howdy" }, "test");
});
afterAll(async () => {
  await pool?.close();
  await catalog?.close();
  await t?.close();
});

type RunOptions = {
  scope?: Scope;
  prepared?: PreparedScope;
  params?: unknown;
  userConfig?: Record<string, string>;
  cancelSignal?: AbortSignal;
};
/** Runs a workflow; the outcome's result (JSON text, as stored) comes back parsed. */
const run = async (name: string, options: RunOptions = {}) => {
  const outcome = await runner.run({
    executionId: `exec-${name}-${Math.random().toString(36).slice(2)}`,
    definition: catalog.get(name)!,
    prepared: options.prepared ?? (await runner.prepare(scopeId(options.scope ?? GLOBAL_SCOPE))),
    params: options.params ?? {},
    userConfig: options.userConfig ?? {},
    cancelSignal: options.cancelSignal,
  });
  return { ...outcome, result: outcome.result === null ? null : JSON.parse(outcome.result) };
};

describe("execution runner", () => {
  it("resolves the workflow class through tsyringe and reads configs through the cascade for its org", async () => {
    expect(await run("read_cascade", { scope: acme })).toMatchObject({
      status: "success",
      result: { greeting: "howdy", missing: "fallback" },
    });
    expect(await run("read_cascade")).toMatchObject({ status: "success", result: { greeting: "hello" } });
  });

  it("scrubs a secret and per-user config returned, logged, base64/url/hex encoded", async () => {
    const outcome = await run("leak_everything", {
      scope: acme,
      params: { mode: "return" },
      userConfig: { "user-token": USER_TOKEN },
    });
    expect(outcome.status).toBe("success");
    expect(outcome.result).toMatchObject({
      secret: "[REDACTED]",
      nested: { b64: "[REDACTED]", user: "[REDACTED]", utf16: "[REDACTED]\0" },
      tick: "tick",
      org: "runner-acme",
    });
    const text = JSON.stringify(outcome);
    for (const leaked of [SECRET, Buffer.from(SECRET).toString("base64"), encodeURIComponent(SECRET), USER_TOKEN])
      expect(text).not.toContain(leaked);
    expect(outcome.logs.map((l) => l.level)).toEqual([
      "info",
      "warn",
      "info",
      "info",
      "info",
      "info",
      "info",
      "info",
      "info",
    ]);
    expect(outcome.logs[0].message).toBe("plain [REDACTED]");
    // The secret inside base64 of longer texts, at each alignment of the encoder's 3-byte groups.
    for (const entry of outcome.logs.slice(2, 6))
      expect(entry.message).toMatch(/^(Authorization: Basic|body) ([\w+/=-]{0,20}\[REDACTED\])+[\w+/=-]{0,8}$/);
    // Its UTF-16 bytes read as UTF-8: the NULs between its characters go with it.
    expect(outcome.logs.slice(6).map((l) => l.message)).toEqual([
      "utf-16 [REDACTED]\0",
      "inspected { secret: '[REDACTED]', utf16: '[REDACTED]\\x00' }",
      'json {"utf16":"[REDACTED]\\u0000"}',
    ]);
  });

  it("scrubs a secret thrown in an error message and stack", async () => {
    const outcome = await run("leak_everything", { params: { mode: "throw" }, userConfig: { USER_TOKEN: USER_TOKEN } });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatch(/^Error: failed with \[REDACTED\] and \[REDACTED\]/);
    expect(outcome.error).not.toContain(SECRET);
    expect(outcome.error).not.toContain(Buffer.from(USER_TOKEN).toString("hex"));
  });

  it("scrubs a secret the run stored itself, though the scope did not hold it when the run started", async () => {
    const outcome = await run("mint_and_leak", { scope: acme });
    expect(outcome).toMatchObject({ status: "success", result: { minted: "[REDACTED]" } });
    expect(outcome.logs[0].message).toBe("minted [REDACTED]");
    const stored = await t.platform.configs.readerFor(acme, { actor: "test" }).read("minted_credential");
    expect(stored).toMatchObject({ type: "secret", value: expect.stringMatching(/^minted_[0-9a-f]{24}$/) });
  });

  it("scrubs a secret value set through the API after the run's scope was read", async () => {
    const org = orgScope(await t.platform.orgs.create("runner-late", "test"));
    const prepared = await runner.prepare(scopeId(org));
    const late = "sk_live_set_after_prepare_1234567890";
    await t.platform.configs.set(org, "api_secret", { type: "secret", value: late }, "test");
    expect([...(await prepared.scrubber).values]).not.toContain(late);
    const outcome = await run("leak_everything", { prepared, params: { mode: "return" } });
    expect(outcome).toMatchObject({ status: "success", result: { secret: "[REDACTED]", org: "runner-late" } });
    expect(JSON.stringify(outcome)).not.toContain(late);
  });

  it("scrubs an org's run of its org's secrets and of the global ones it read, and looks for no other global secret", async () => {
    const [a, b] = await Promise.all(
      ["runner-share-a", "runner-share-b"].map(async (name) => orgScope(await t.platform.orgs.create(name, "test"))),
    );
    const own = "sk_org_b_only_0123456789";
    await t.platform.configs.set(b, "own_secret", { type: "secret", value: own }, "test");
    const unread = "sk_global_unread_5544332211";
    await t.platform.configs.set(GLOBAL_SCOPE, "unread_secret", { type: "secret", value: unread }, "test");
    const [sa, sb] = await Promise.all([a, b].map(async (org) => (await runner.prepare(scopeId(org))).scrubber));
    expect([...(await sa).values]).toEqual([]);
    expect([...(await sb).values]).toEqual([own]);
    expect(await (await runner.prepare(scopeId(b))).scrubber).toBe(await sb); // the same: read, decrypted and indexed once
    const ownRun = await run("echo_params", { scope: b, params: { n: 1, tag: own } });
    expect(ownRun).toMatchObject({ status: "success", result: { tag: "[REDACTED]" } });
    // A global secret the run did not read is not looked for: an org cannot test guesses of it.
    const guessed = await run("echo_params", { scope: b, params: { n: 1, tag: unread } });
    expect(guessed).toMatchObject({ status: "success", result: { tag: unread } });
    // One it read is.
    const read = await run("leak_everything", { scope: b, params: { mode: "return" } });
    expect(read).toMatchObject({ status: "success", result: { secret: "[REDACTED]" } });
    expect(JSON.stringify(read)).not.toContain(SECRET);
  });

  it("audits each secret read with the execution id", async () => {
    const outcome = await run("leak_everything", { params: { mode: "return" } });
    expect(outcome.status).toBe("success");
    const reads = await t.platform.audit.list({ action: "secret.read", key: "api_secret", limit: 1 });
    expect(reads[0]).toMatchObject({
      actor: "workflow:leak_everything",
      executionId: expect.stringMatching(/^exec-leak_everything-/),
    });
  });

  it("fails a read of a secret the workflow did not declare, naming it", async () => {
    const outcome = await run("read_undeclared");
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatch(
      /SecretAccessError: Workflow "read_undeclared" read secret "api_secret" without declaring it/,
    );
  });

  it("refuses params that do not match the schema", async () => {
    const outcome = await run("leak_everything", { params: { mode: "steal" } });
    expect(outcome).toMatchObject({ status: "failed", error: expect.stringMatching(/params\.mode/) });
  });

  it("ends as timeout when the workflow outlives timeoutMs, and as cancelled when cancelled", async () => {
    expect((await run("sleepy")).status).toBe("timeout");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect((await run("sleepy", { cancelSignal: controller.signal })).status).toBe("cancelled");
  });

  it("reads a run's scope in its claim's round trip, when reads ride along (PostgreSQL's bookkeeping)", async () => {
    // The platform's services on its database, with the driver's round trips counted.
    const { db, trips, reset } = countedDatabase(t.platform.db);
    const store = new ExecutionStore(db);
    const counted = new ExecutionRunner(
      new ConfigService(new ConfigStore(db), db, t.platform.cipher, t.platform.audit),
      new OrgService(new OrgStore(db), db, t.platform.audit),
      () => pool,
    );
    const claimInAcme = async () => {
      const row = await store.create({
        id: randomUUID(),
        workflow: "read_cascade",
        scope: acme,
        params: {},
        createdBy: "test",
        hasUserConfig: false,
      });
      await new Promise((resolve) => setImmediate(resolve)); // an idle worker: no batch in flight
      reset();
      // ExecutionWorker.process's order: the scope asked for first, then the claim.
      const prepared = counted.prepare(scopeId(acme));
      const claimed = await store.claimPending(row.id);
      return { prepared: await prepared, claimed, trips: { ...trips } };
    };
    // The first run in a scope also reads its secret values (once its revision is known); the next
    // one reuses them.
    expect((await claimInAcme()).trips).toEqual({ transactions: 1, reads: 1 });
    const { prepared, claimed, trips: second } = await claimInAcme();
    expect(second).toEqual({ transactions: 1, reads: 0 });
    expect(claimed).toMatchObject({ status: "running", attempts: 1 });
    expect(scopeId(prepared.scope)).toBe(scopeId(acme));
    expect(prepared.scope.kind === "org" && prepared.scope.org.name).toBe("runner-acme");
    // The org's own secret values only (the one mint_and_leak stored): a global one joins a run's
    // scrubber when the run reads it.
    expect([...(await prepared.scrubber).values]).toEqual([expect.stringMatching(/^minted_/)]);
  });
});
