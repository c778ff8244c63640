import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// `Idempotency-Key` on POST /api/workflows/:name/executions: a repeat within 24 h in the same scope
// answers the first execution and starts nothing, however many repeats arrive at once.

let t: TestPlatform;
let admin: Api;
beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
  await t.platform.orgs.create("acme", "test");
});
afterAll(() => t?.close());

const start = (workflow: string, key: string | undefined, params: unknown = {}, query = "") =>
  admin(
    "POST",
    `/api/workflows/${workflow}/executions${query}`,
    { params },
    key === undefined ? {} : { "Idempotency-Key": key },
  );
const executions = () => t.platform.db.prisma.execution.count();
const replayedHeader = async (workflow: string, key: string, params: unknown = {}) => {
  const response = await fetch(`${t.url}/api/workflows/${workflow}/executions`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ params }),
  });
  return {
    status: response.status,
    replayed: response.headers.get("idempotent-replayed"),
    body: (await response.json()) as { id: string },
  };
};

describe("Idempotency-Key", () => {
  it("a repeat answers the first execution, even after it ended, and starts nothing", async () => {
    const before = await executions();
    const first = await replayedHeader("echo_params", "order-1001", { n: 1 });
    expect(first).toMatchObject({ status: 202, replayed: null });
    await t.server.executions.waitForEnd(first.body.id, 20_000);
    const again = await replayedHeader("echo_params", "order-1001", { n: 1 });
    expect(again).toMatchObject({
      status: 200,
      replayed: "true",
      body: { id: first.body.id, status: "success", result: { n: 1, tag: "none" } },
    });
    // With wait=, the repeat waits for (here: has) the first run's end.
    const waited = await start("echo_params", "order-1001", { n: 1 }, "?wait=5000");
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ id: first.body.id, status: "success" });
    expect(await executions()).toBe(before + 1);
  });

  it("twenty concurrent requests with one key start one run, and all answer it", async () => {
    const before = await executions();
    const answers = await Promise.all(Array.from({ length: 20 }, () => start("slow", "burst-key", { ms: 200 })));
    expect(answers.map((a) => a.status).every((s) => s === 202 || s === 200)).toBe(true);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(await executions()).toBe(before + 1);
    const ended = await t.server.executions.waitForEnd([...ids][0], 20_000);
    expect(ended).toMatchObject({ status: "success", attempts: 1 });
  });

  it("starts that all looked for the key before any claimed it still start one run: the claim is the primary key, not the look", async () => {
    const before = await executions();
    // Started together in one process, each looks the key up before any of them writes (on
    // SQLite the look is synchronous, so twenty HTTP requests may not overlap this way).
    const input = {
      workflow: "noop",
      scope: GLOBAL_SCOPE,
      params: {},
      userConfig: {},
      actor: "test",
      authority: "admin" as const,
    };
    const starts = await Promise.all(
      Array.from({ length: 20 }, () => t.server.executions.startOnce(input, "api:looked-first")),
    );
    expect(new Set(starts.map((s) => s.row.id)).size).toBe(1);
    expect(starts.filter((s) => !s.replayed)).toHaveLength(1);
    expect(await executions()).toBe(before + 1);
  });

  it("is kept per scope: the same key in another org is another run", async () => {
    const global = await start("noop", "per-scope");
    const acme = await start("noop", "per-scope", {}, "?scope=acme");
    expect(global.body.id).not.toBe(acme.body.id);
    expect(acme.body.scope).not.toBe("global");
    expect((await start("noop", "per-scope", {}, "?scope=acme")).body.id).toBe(acme.body.id);
  });

  it("a key names one workflow: another workflow under it is refused with 409 and starts nothing", async () => {
    await start("noop", "one-workflow");
    const before = await executions();
    const res = await start("echo_params", "one-workflow", { n: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
      details: { firstWorkflow: "noop", workflow: "echo_params" },
    });
    expect(await executions()).toBe(before);
  });

  it("a refused start claims no key: the corrected request under the same key runs", async () => {
    const refused = await start("echo_params", "fix-and-retry", { n: "one" });
    expect(refused.status).toBe(400);
    const ok = await start("echo_params", "fix-and-retry", { n: 1 });
    expect(ok.status).toBe(202);
    expect((await start("echo_params", "fix-and-retry", { n: 1 })).body.id).toBe(ok.body.id);
  });

  it("answers the first run even when a new start would now be refused (its secret deleted since)", async () => {
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "partner_token",
      { type: "secret", value: "partner-token-0123456789" },
      "test",
    );
    await t.platform.configs.set(
      GLOBAL_SCOPE,
      "partner_signing_key",
      { type: "secret", value: "partner-signing-0123456789" },
      "test",
    );
    const first = await start("needs_secrets", "before-delete");
    expect(first.status).toBe(202);
    await t.platform.configs.delete(GLOBAL_SCOPE, "partner_token", "test");
    expect((await start("needs_secrets", undefined)).status).toBe(422);
    const repeat = await start("needs_secrets", "before-delete");
    expect([200, 202]).toContain(repeat.status);
    expect(repeat.body.id).toBe(first.body.id);
  });

  it("a key older than 24 h starts a new run, and the API's purge deletes such keys", async () => {
    const first = await start("noop", "yesterday");
    await t.platform.db.prisma.executionKey.updateMany({
      where: { key: "api:yesterday" },
      data: { createdAt: new Date(Date.now() - 24 * 3600_000 - 1_000) },
    });
    const second = await start("noop", "yesterday");
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await start("noop", "yesterday")).body.id).toBe(second.body.id);

    await start("noop", "stale-one");
    await t.platform.db.prisma.executionKey.updateMany({
      where: { key: "api:stale-one" },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    const store = (await import("../../src/executions/index.ts")).ExecutionKeys;
    expect(await new store(t.platform.db).purge()).toBe(1);
    const left = (await t.platform.db.prisma.executionKey.findMany()).map((k) => k.key);
    expect(left).toContain("api:yesterday");
    expect(left).not.toContain("api:stale-one");
  });

  it("refuses a key that is empty or longer than 200 characters, with 400", async () => {
    for (const key of ["", "k".repeat(201)]) {
      const res = await start("noop", key);
      expect(res.status, `${key.length} characters`).toBe(400);
      expect(res.body.error.details.issues).toEqual([expect.objectContaining({ path: "headers.idempotency-key" })]);
    }
    expect((await start("noop", "k".repeat(200))).status).toBe(202);
  });
});
