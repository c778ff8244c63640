import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type ApiResponse, type TestPlatform } from "../support/test-platform.ts";

// DELETE /api/orgs/:org (../shared/CONTRACT.md v2 "Tokens"): admin only; 409 ORG_NOT_EMPTY while
// the org holds configs unless ?force=true, and while runs of it are pending or running; its
// tokens go with it; its finished executions and audit rows stay as history.

let t: TestPlatform;
let admin: Api;

beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
});
afterAll(() => t?.close());

function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.code, res.text).toBe(code);
}

/** An org with `configs` configs (one a secret) and a token of its own. */
async function orgWith(name: string, configs: number): Promise<{ id: string; token: string }> {
  const token = await t.orgToken(name);
  for (let i = 0; i < configs; i++) {
    const res = await admin(
      "PUT",
      `/api/configs/key_${i}?scope=${name}`,
      i === 0 ? { type: "secret", value: "s3cret-value-0123" } : { type: "int", value: i },
    );
    expect(res.status, res.text).toBe(201);
  }
  return { id: (await t.platform.orgs.find(name))!.id, token };
}

const lastAudit = async (action: string) => {
  const row = await t.platform.db.prisma.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: "desc" } });
  return { ...row, details: JSON.parse(row.details!) };
};

describe("DELETE /api/orgs/:org", () => {
  it("deletes an empty org by name: 204, gone from the list, its tokens refused at once, audited", async () => {
    const org = await orgWith("del-empty", 0);
    expect((await t.api(org.token)("GET", "/api/configs")).status).toBe(200);

    expect((await admin("DELETE", "/api/orgs/del-empty")).status).toBe(204);
    expect((await admin("GET", "/api/orgs")).body.map((o: { name: string }) => o.name)).not.toContain("del-empty");
    expectError(await t.api(org.token)("GET", "/api/configs"), 401, "UNAUTHORIZED");
    expect(await t.platform.db.prisma.apiToken.count({ where: { orgId: org.id } })).toBe(0);
    expect(await lastAudit("org.delete")).toMatchObject({
      actor: "token:test-admin",
      scope: org.id,
      details: { name: "del-empty", configs: 0, tokens: 1, force: false },
    });
  });

  it("deletes an org by id", async () => {
    const org = await orgWith("del-by-id", 0);
    expect((await admin("DELETE", `/api/orgs/${org.id.toUpperCase()}`)).status).toBe(204);
    expect(await t.platform.orgs.find(org.id)).toBeNull();
  });

  it("refuses an org that holds configs with 409 ORG_NOT_EMPTY, changing nothing", async () => {
    const org = await orgWith("del-full", 3);
    for (const path of ["/api/orgs/del-full", "/api/orgs/del-full?force=false"]) {
      const res = await admin("DELETE", path);
      expectError(res, 409, "ORG_NOT_EMPTY");
      expect(res.body.error.details).toEqual({ configs: 3, activeExecutions: 0 });
      expect(res.body.error.message).toContain("force");
    }
    expect(await t.platform.db.prisma.config.count({ where: { orgId: org.id } })).toBe(3);
    expect((await t.api(org.token)("GET", "/api/configs")).body).toHaveLength(3);
  });

  it("with force=true deletes the org with its configs and tokens, audited with what went", async () => {
    const org = await orgWith("del-forced", 3);
    expect((await admin("DELETE", "/api/orgs/del-forced?force=true")).status).toBe(204);
    expect(await t.platform.db.prisma.config.count({ where: { orgId: org.id } })).toBe(0);
    expect(await t.platform.db.prisma.config.count({ where: { scope: org.id } })).toBe(0);
    expectError(await t.api(org.token)("GET", "/api/configs"), 401, "UNAUTHORIZED");
    expectError(await admin("GET", `/api/configs?scope=${org.id}`), 404, "ORG_NOT_FOUND");
    expect(await lastAudit("org.delete")).toMatchObject({
      scope: org.id,
      details: { name: "del-forced", configs: 3, tokens: 1, force: true },
    });
    // A new org of the same name starts empty.
    await t.orgToken("del-forced");
    expect((await admin("GET", "/api/configs?scope=del-forced")).body).toEqual([]);
  });

  it("refuses while a run of the org is pending, even with force; once it ended the org goes and the run stays as history", async () => {
    const org = await orgWith("del-busy", 1);
    // No worker runs here: the run stays pending.
    const started = await t.api(org.token)("POST", "/api/workflows/noop/executions", { params: {} });
    expect(started.status, started.text).toBe(202);

    const refused = await admin("DELETE", "/api/orgs/del-busy?force=true");
    expectError(refused, 409, "ORG_NOT_EMPTY");
    expect(refused.body.error.details).toEqual({ configs: 1, activeExecutions: 1 });
    expect(await t.platform.orgs.find("del-busy")).not.toBeNull();

    expect((await admin("POST", `/api/executions/${started.body.id}/cancel`)).status).toBe(200);
    expect((await admin("DELETE", "/api/orgs/del-busy?force=true")).status).toBe(204);
    const history = await admin("GET", `/api/executions/${started.body.id}`);
    expect(history.status, history.text).toBe(200);
    expect(history.body).toMatchObject({
      status: "cancelled",
      scope: org.id,
      org: { id: org.id, name: "(deleted org)" },
    });
  });

  it("answers 404 ORG_NOT_FOUND for an org that does not exist, and 400 for a bad force", async () => {
    expectError(await admin("DELETE", "/api/orgs/del-nowhere"), 404, "ORG_NOT_FOUND");
    expectError(await admin("DELETE", "/api/orgs/00000000-0000-4000-8000-000000000000"), 404, "ORG_NOT_FOUND");
    await orgWith("del-bad-force", 0);
    expectError(await admin("DELETE", "/api/orgs/del-bad-force?force=yes"), 400, "VALIDATION_ERROR");
    expect(await t.platform.orgs.find("del-bad-force")).not.toBeNull();
  });

  it("is for admin tokens only: an org token cannot delete even its own org", async () => {
    const org = await orgWith("del-self", 0);
    expectError(await t.api(org.token)("DELETE", "/api/orgs/del-self"), 403, "FORBIDDEN");
    expect(await t.platform.orgs.find("del-self")).not.toBeNull();
  });
});
