import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgScope } from "../../src/orgs/index.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

let t: TestPlatform;
let api: Api;
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
});
afterAll(() => t?.close());

describe("audit log", () => {
  it("records create, update, delete and secret reads with actor, scope, key and time, and never a value", async () => {
    const org = await t.platform.orgs.create("audited", "test");
    const secret = "audit-secret-value-0042";
    await api("PUT", "/api/configs/region", { type: "string", value: "eu-west-9" });
    await api("PUT", "/api/configs/region", { type: "string", value: "us-east-9" });
    await api("PUT", "/api/configs/api_key?scope=audited", { type: "secret", value: secret });
    await t.platform.configs.resolve(orgScope(org), "api_key", { actor: "workflow:sync", executionId: "exec-123" });
    await t.platform.configs.resolve(orgScope(org), "region", { actor: "workflow:sync", executionId: "exec-123" });
    await api("DELETE", "/api/configs/region");

    const res = await api("GET", "/api/audit?limit=10");
    expect(res.status).toBe(200);
    const actions = res.body.map((r: { action: string; key: string | null }) => `${r.action} ${r.key ?? ""}`.trim());
    // Newest first; reading a non-secret is not audited.
    expect(actions.slice(0, 5)).toEqual([
      "config.delete region",
      "secret.read api_key",
      "config.create api_key",
      "config.update region",
      "config.create region",
    ]);
    const read = res.body[1];
    expect(read).toMatchObject({ actor: "workflow:sync", scope: org.id, key: "api_key", executionId: "exec-123" });
    expect(Date.parse(read.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.body[0]).toMatchObject({ actor: "token:test-admin", scope: "global" });

    for (const text of [res.text, JSON.stringify(await t.platform.db.prisma.auditEvent.findMany())]) {
      for (const value of [secret, "eu-west-9", "us-east-9"]) expect(text).not.toContain(value);
    }
  });

  it("filters by scope, key and action, and limits", async () => {
    await api("PUT", "/api/configs/Filter-Me", { type: "int", value: 1 });
    await api("PUT", "/api/configs/filter_me", { type: "int", value: 2 });
    const byKey = await api("GET", "/api/audit?key=Filter-Me");
    expect(byKey.body.map((r: { action: string }) => r.action)).toEqual(["config.update", "config.create"]);
    const byAction = await api("GET", "/api/audit?action=config.update&key=filter_me");
    expect(byAction.body).toHaveLength(1);
    const limited = await api("GET", "/api/audit?limit=1");
    expect(limited.body).toHaveLength(1);
    const byScope = await api("GET", "/api/audit?scope=audited");
    expect(byScope.body.length).toBeGreaterThan(0);
    expect(byScope.body.every((r: { scope: string }) => r.scope !== "global")).toBe(true);
  });

  it("shows an org the reads of global secrets its own runs made, and no other org", async () => {
    const reading = await t.platform.orgs.create("reading", "test");
    const other = await t.platform.orgs.create("other", "test");
    await api("PUT", "/api/configs/shared_api_key", { type: "secret", value: "global-shared-secret-0099" });
    const run = t.platform.configs.readerFor(orgScope(reading), { actor: "workflow:sync", executionId: "exec-read-1" });
    expect((await run.read("shared_api_key"))?.value).toBe("global-shared-secret-0099");
    await run.close();

    const orgToken = (await t.platform.tokens.create({ role: "org", org: reading }, "reading-token", "test")).token;
    const seen = await t.api(orgToken)("GET", "/api/audit?action=secret.read");
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual([
      expect.objectContaining({
        scope: "global",
        runScope: reading.id,
        key: "shared_api_key",
        executionId: "exec-read-1",
      }),
    ]);
    const otherToken = (await t.platform.tokens.create({ role: "org", org: other }, "other-token", "test")).token;
    expect((await t.api(otherToken)("GET", "/api/audit?action=secret.read")).body).toEqual([]);
  });

  it("finds keys by a part of them, in any case, within a time range", async () => {
    const before = new Date(Date.now() - 1_000).toISOString();
    await api("PUT", "/api/configs/billing_webhook_url", { type: "string", value: "https://example.test/hook" });
    const found = await api("GET", "/api/audit?keyContains=Webhook-URL");
    expect(found.body.map((r: { key: string }) => r.key)).toEqual(["billing_webhook_url"]);
    const inRange = await api("GET", `/api/audit?keyContains=webhook&since=${encodeURIComponent(before)}`);
    expect(inRange.body).toHaveLength(1);
    const beforeIt = await api("GET", `/api/audit?keyContains=webhook&until=${encodeURIComponent(before)}`);
    expect(beforeIt.body).toEqual([]);
  });

  it("rejects bad filters with 400", async () => {
    for (const query of [
      "limit=0",
      "limit=5000",
      "limit=abc",
      "action=DROP%20TABLE",
      "key=a%2Fb",
      "since=yesterday",
      "until=2026-13-01",
    ]) {
      const res = await api("GET", `/api/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(["VALIDATION_ERROR", "INVALID_CONFIG_KEY"]).toContain(res.body.error.code);
    }
  });
});
