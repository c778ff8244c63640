import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/http/openapi/openapi-document.ts";
import { startTestPlatform, type Api, type ApiResponse, type TestPlatform } from "../support/test-platform.ts";
import { spawnCli, unusedPort, type CliProcess } from "./cli-runner.ts";

// The token lifecycle (../shared/CONTRACT.md v2 "Tokens"): GET/POST /api/tokens, DELETE
// /api/tokens/:id, read-only tokens, expiry, revocation in every API process, and lastUsedAt.

const ACME = "tokens-acme";
const GLOBEX = "tokens-globex";
const TOKEN_FIELDS = ["createdAt", "expiresAt", "id", "kind", "lastUsedAt", "name", "org", "readOnly", "revokedAt"];

let t: TestPlatform;
let admin: Api;
let acme: { id: string; name: string };
let globex: { id: string; name: string };
let acmeToken: string;

beforeAll(async () => {
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
  acmeToken = await t.orgToken(ACME);
  await t.orgToken(GLOBEX);
  acme = (await t.platform.orgs.find(ACME))!;
  globex = (await t.platform.orgs.find(GLOBEX))!;
});
afterAll(() => t?.close());

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const tokenRow = (id: string) => t.platform.db.prisma.apiToken.findUniqueOrThrow({ where: { id } });
const auditRows = (action: string) =>
  t.platform.db.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } });

function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.error.code, res.text).toBe(code);
}

/** Creates a token through the API as `as`, expecting 201. */
async function create(
  as: Api,
  body: Record<string, unknown>,
): Promise<{ id: string; token: string } & Record<string, unknown>> {
  const res = await as("POST", "/api/tokens", body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe("POST /api/tokens", () => {
  it("creates an admin token: 201 with the token shown this once, its hash stored, the creation audited without it", async () => {
    const before = Date.now();
    const created = await create(admin, { name: "deploy-bot", admin: true });
    expect(Object.keys(created).sort()).toEqual([...TOKEN_FIELDS, "token"].sort());
    expect(created).toMatchObject({
      name: "deploy-bot",
      kind: "admin",
      org: null,
      readOnly: false,
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(created.token).toMatch(/^bft_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(created.createdAt as string)).toBeGreaterThanOrEqual(before - 1000);

    expect((await t.api(created.token)("GET", "/api/orgs")).status).toBe(200);
    expect((await tokenRow(created.id)).tokenHash).toBe(sha256(created.token));
    const audit = (await auditRows("token.create")).at(-1)!;
    expect(audit).toMatchObject({ actor: "token:test-admin", scope: "global" });
    expect(JSON.parse(audit.details!)).toEqual({
      tokenId: created.id,
      role: "admin",
      name: "deploy-bot",
      readOnly: false,
      expiresAt: null,
    });
    expect(JSON.stringify(await auditRows("token.create"))).not.toContain(created.token);
  });

  it("creates an org token for an org named by name or by id", async () => {
    const byName = await create(admin, { name: "acme-ci", org: ACME });
    const byId = await create(admin, { name: "acme-ci-2", org: acme.id });
    for (const created of [byName, byId])
      expect(created).toMatchObject({ kind: "org", org: { id: acme.id, name: ACME } });
    expect((await t.api(byId.token)("GET", "/api/orgs")).body).toEqual([expect.objectContaining({ id: acme.id })]);
  });

  it("gives a token with expiresIn an expiresAt that far from its creation", async () => {
    for (const [expiresIn, ms] of [
      ["90m", 90 * 60_000],
      ["12h", 12 * 3_600_000],
      ["30d", 30 * 86_400_000],
      ["365d", 365 * 86_400_000],
    ] as const) {
      const created = await create(admin, { name: `lives-${expiresIn}`, org: ACME, expiresIn });
      expect(Date.parse(created.expiresAt as string) - Date.parse(created.createdAt as string)).toBe(ms);
    }
  });

  it("lets an org token create read-only and normal tokens of its own org (its org by default)", async () => {
    const readOnly = await create(t.api(acmeToken), { name: "acme-reader", readOnly: true });
    const normal = await create(t.api(acmeToken), { name: "acme-writer", org: ACME });
    expect(readOnly).toMatchObject({ kind: "org", org: { id: acme.id, name: ACME }, readOnly: true });
    expect(normal).toMatchObject({ kind: "org", org: { id: acme.id, name: ACME }, readOnly: false });
    expect((await auditRows("token.create")).at(-1)).toMatchObject({ actor: `token:${ACME}-test`, scope: acme.id });
  });

  it("never lets an org token create an admin token or a token of another org, and creates nothing", async () => {
    const count = await t.platform.db.prisma.apiToken.count();
    expectError(await t.api(acmeToken)("POST", "/api/tokens", { name: "escalate", admin: true }), 403, "FORBIDDEN");
    expectError(await t.api(acmeToken)("POST", "/api/tokens", { name: "sideways", org: GLOBEX }), 403, "FORBIDDEN");
    expectError(await t.api(acmeToken)("POST", "/api/tokens", { name: "sideways", org: globex.id }), 403, "FORBIDDEN");
    expect(await t.platform.db.prisma.apiToken.count()).toBe(count);
  });

  const badBodies: [string, unknown][] = [
    ["no name", { admin: true }],
    ["an empty name", { name: " ", admin: true }],
    ["a name with a newline", { name: "a\nb", admin: true }],
    ["a name of 101 characters", { name: "n".repeat(101), admin: true }],
    ["a name that is no string", { name: 5, admin: true }],
    ["neither admin nor org", { name: "x" }],
    ["both admin and org", { name: "x", admin: true, org: ACME }],
    ["org: global", { name: "x", org: "global" }],
    ["an empty org", { name: "x", org: "" }],
    ["admin that is no boolean", { name: "x", admin: "true" }],
    ["readOnly that is no boolean", { name: "x", admin: true, readOnly: "yes" }],
    ["expiresIn without a unit", { name: "x", admin: true, expiresIn: "30" }],
    ["expiresIn in seconds", { name: "x", admin: true, expiresIn: "90s" }],
    ["expiresIn of zero", { name: "x", admin: true, expiresIn: "0d" }],
    ["expiresIn over 365 days", { name: "x", admin: true, expiresIn: "366d" }],
    ["expiresIn over 365 days in minutes", { name: "x", admin: true, expiresIn: "9999999m" }],
    ["expiresIn negative", { name: "x", admin: true, expiresIn: "-1d" }],
    ["expiresIn as a number", { name: "x", admin: true, expiresIn: 30 }],
    ["an unknown field", { name: "x", admin: true, role: "admin" }],
    ["an array", [{ name: "x", admin: true }]],
  ];
  it.each(badBodies)("refuses %s with 400 VALIDATION_ERROR, creating nothing", async (_what, body) => {
    const count = await t.platform.db.prisma.apiToken.count();
    expectError(await admin("POST", "/api/tokens", body), 400, "VALIDATION_ERROR");
    expect(await t.platform.db.prisma.apiToken.count()).toBe(count);
  });

  it("answers 404 ORG_NOT_FOUND to an admin naming an org that does not exist, and 415 to a body that is not JSON", async () => {
    expectError(await admin("POST", "/api/tokens", { name: "x", org: "tokens-nowhere" }), 404, "ORG_NOT_FOUND");
    expectError(
      await admin("POST", "/api/tokens", undefined, { "content-type": "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });
});

describe("GET /api/tokens", () => {
  it("shows an admin every token, oldest first, and never a token or its hash", async () => {
    const shown = await create(admin, { name: "listed", org: GLOBEX, readOnly: true, expiresIn: "12h" });
    const res = await admin("GET", "/api/tokens");
    expect(res.status, res.text).toBe(200);
    const rows = await t.platform.db.prisma.apiToken.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(res.body.map((token: { id: string }) => token.id)).toEqual(rows.map((row) => row.id));
    for (const token of res.body) expect(Object.keys(token).sort()).toEqual(TOKEN_FIELDS);
    expect(res.body.find((token: { id: string }) => token.id === shown.id)).toEqual({ ...shown, token: undefined });
    for (const secret of [shown.token, t.adminToken, acmeToken, ...rows.map((row) => row.tokenHash)])
      expect(res.text).not.toContain(secret);
  });

  it("shows an org token only its own org's tokens", async () => {
    const res = await t.api(acmeToken)("GET", "/api/tokens");
    expect(res.status, res.text).toBe(200);
    const ids = (
      await t.platform.db.prisma.apiToken.findMany({
        where: { orgId: acme.id },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      })
    ).map((row) => row.id);
    expect(ids.length).toBeGreaterThan(1);
    expect(res.body.map((token: { id: string }) => token.id)).toEqual(ids);
  });
});

describe("DELETE /api/tokens/:id", () => {
  it("revokes a token: 204, the very next request with it gets 401, the list shows revokedAt, the revocation is audited once", async () => {
    const victim = await create(admin, { name: "short-lived", org: ACME });
    const as = t.api(victim.token);
    expect((await as("GET", "/api/configs")).status).toBe(200);

    expect((await admin("DELETE", `/api/tokens/${victim.id}`)).status).toBe(204);
    expectError(await as("GET", "/api/configs"), 401, "UNAUTHORIZED");
    const listed = (await admin("GET", "/api/tokens")).body.find((token: { id: string }) => token.id === victim.id);
    expect(Date.parse(listed.revokedAt)).not.toBeNaN();

    // Again: nothing changes, nothing more is audited.
    expect((await admin("DELETE", `/api/tokens/${victim.id}`)).status).toBe(204);
    const revocations = (await auditRows("token.revoke")).filter(
      (row) => JSON.parse(row.details!).tokenId === victim.id,
    );
    expect(revocations).toHaveLength(1);
    expect(revocations[0]).toMatchObject({ actor: "token:test-admin", scope: acme.id });
    expect(JSON.parse(revocations[0].details!)).toEqual({ tokenId: victim.id, role: "org", name: "short-lived" });
  });

  it("lets an org token revoke its own org's tokens, itself included", async () => {
    const own = await create(admin, { name: "acme-spare", org: ACME });
    const self = await create(admin, { name: "acme-self", org: ACME });
    expect((await t.api(acmeToken)("DELETE", `/api/tokens/${own.id}`)).status).toBe(204);
    expect((await t.api(self.token)("DELETE", `/api/tokens/${self.id}`)).status).toBe(204);
    expectError(await t.api(self.token)("GET", "/api/tokens"), 401, "UNAUTHORIZED");
  });

  it("gives an org token the same 404 for another org's token, an admin token and a token that does not exist, revoking nothing", async () => {
    const theirs = await create(admin, { name: "globex-own", org: GLOBEX });
    const adminOne = await create(admin, { name: "admin-own", admin: true });
    const answers = [];
    for (const id of [theirs.id, adminOne.id, "00000000-0000-4000-8000-000000000000"]) {
      const res = await t.api(acmeToken)("DELETE", `/api/tokens/${id}`);
      expectError(res, 404, "TOKEN_NOT_FOUND");
      answers.push({ status: res.status, text: res.text.replace(id, "<id>") });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect((await tokenRow(theirs.id)).revokedAt).toBeNull();
    expect((await tokenRow(adminOne.id)).revokedAt).toBeNull();
  });

  it("answers 404 TOKEN_NOT_FOUND to an id that is no token id", async () => {
    expectError(await admin("DELETE", "/api/tokens/not-a-uuid"), 404, "TOKEN_NOT_FOUND");
    expectError(await admin("DELETE", `/api/tokens/${"x".repeat(101)}`), 400, "VALIDATION_ERROR");
  });
});

describe("expiry and revocation reach every API process on the very next request", () => {
  let other: CliProcess;
  let otherUrl: string;
  beforeAll(async () => {
    const port = await unusedPort();
    other = spawnCli(["server"], { env: t.env({ PORT: String(port) }) });
    await other.waitFor(/Bifrost API listening/);
    otherUrl = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(() => other?.stop());

  /** The status both API processes answer `token` with. */
  async function statuses(token: string): Promise<number[]> {
    return Promise.all(
      [t.url, otherUrl].map(
        async (url) => (await fetch(`${url}/api/configs`, { headers: { authorization: `Bearer ${token}` } })).status,
      ),
    );
  }

  it("a revoked token is refused by both processes at once", async () => {
    const created = await create(admin, { name: "two-servers", org: ACME });
    expect(await statuses(created.token)).toEqual([200, 200]);
    expect((await admin("DELETE", `/api/tokens/${created.id}`)).status).toBe(204);
    expect(await statuses(created.token)).toEqual([401, 401]);
  });

  it("a token is accepted until its expiresAt and refused from then on, by both processes", async () => {
    const created = await create(admin, { name: "expiring", org: ACME, expiresIn: "1m" });
    expect(await statuses(created.token)).toEqual([200, 200]);
    // Its minute passes (the clock is the database row's: moved, not waited for).
    await t.platform.db.prisma.apiToken.update({
      where: { id: created.id },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await statuses(created.token)).toEqual([401, 401]);
    const res = await t.api(created.token)("GET", "/api/configs");
    expect(res.body.error).toEqual({ code: "UNAUTHORIZED", message: expect.stringContaining("expired") });
  });
});

describe("lastUsedAt", () => {
  it("is set by a request, does not move on another within the minute, and moves again once the minute has passed", async () => {
    const created = await create(admin, { name: "used", org: ACME });
    const as = t.api(created.token);
    expect((await tokenRow(created.id)).lastUsedAt).toBeNull();

    const before = Date.now();
    expect((await as("GET", "/api/configs")).status).toBe(200);
    await t.platform.tokens.settled();
    const first = (await tokenRow(created.id)).lastUsedAt!;
    expect(first.getTime()).toBeGreaterThanOrEqual(before);
    expect(first.getTime()).toBeLessThanOrEqual(Date.now());

    expect((await as("GET", "/api/configs")).status).toBe(200);
    await t.platform.tokens.settled();
    expect((await tokenRow(created.id)).lastUsedAt).toEqual(first);

    // A minute and a bit later (moved in the database rather than waited for):
    const earlier = new Date(first.getTime() - 61_000);
    await t.platform.db.prisma.apiToken.update({ where: { id: created.id }, data: { lastUsedAt: earlier } });
    expect((await as("GET", "/api/configs")).status).toBe(200);
    await t.platform.tokens.settled();
    expect((await tokenRow(created.id)).lastUsedAt!.getTime()).toBeGreaterThan(first.getTime() - 1);

    const listed = (await admin("GET", "/api/tokens")).body.find((token: { id: string }) => token.id === created.id);
    expect(Date.parse(listed.lastUsedAt)).toBe((await tokenRow(created.id)).lastUsedAt!.getTime());
  });
});

describe("read-only tokens", () => {
  let readOnlyAdmin: Api;
  let readOnlyAcme: Api;
  let pendingExecution: string;
  beforeAll(async () => {
    readOnlyAdmin = t.api((await create(admin, { name: "auditor", admin: true, readOnly: true })).token);
    readOnlyAcme = t.api((await create(admin, { name: "acme-auditor", org: ACME, readOnly: true })).token);
    expect((await admin("PUT", `/api/configs/plain?scope=${ACME}`, { type: "string", value: "before" })).status).toBe(
      201,
    );
    // No worker runs here: it stays pending, so a cancel would change it.
    const started = await admin("POST", `/api/workflows/noop/executions?scope=${ACME}`, { params: {} });
    expect(started.status, started.text).toBe(202);
    pendingExecution = started.body.id;
  });

  /** Everything a refused request must leave alone. */
  async function snapshot() {
    const prisma = t.platform.db.prisma;
    return {
      configs: await prisma.config.findMany({ orderBy: { id: "asc" } }),
      orgs: await prisma.org.findMany({ orderBy: { id: "asc" } }),
      tokens: await prisma.apiToken.findMany({ orderBy: { id: "asc" }, omit: { lastUsedAt: true } }),
      executions: await prisma.execution.findMany({ orderBy: { id: "asc" } }),
      audit: await prisma.auditEvent.count(),
    };
  }

  /** A real target for each path parameter, so that a write that got through would change something. */
  const pathOf = (template: string, tokenId: string) =>
    template
      .replace("{org}", ACME)
      .replace("{key}", "plain")
      .replace("{name}", "noop")
      .replace("{id}", template.startsWith("/api/tokens") ? tokenId : pendingExecution);

  // Every route of the API document that is not a GET and takes a token (not POST /hooks/{id},
  // which its sender signs instead), but those the document marks as open to read-only tokens
  // (x-read-only-tokens: the queue dashboard's cookie, MCP's tools/list): a new one is covered
  // without touching this list.
  const writes = Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
    Object.entries(operations as Record<string, { security?: unknown[]; "x-read-only-tokens"?: boolean }>)
      .filter(
        ([method, operation]) =>
          method !== "get" && operation.security?.length !== 0 && !operation["x-read-only-tokens"],
      )
      .map(([method]) => ({ route: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path })),
  );

  it("the API document lists the writes this spec tries", () => {
    expect(writes.map((w) => w.route)).toEqual(
      expect.arrayContaining([
        "POST /api/orgs",
        "DELETE /api/orgs/{org}",
        "POST /api/tokens",
        "DELETE /api/tokens/{id}",
        "PUT /api/configs/{key}",
        "DELETE /api/configs/{key}",
        "POST /api/workflows/{name}/executions",
        "POST /api/executions/{id}/cancel",
        "POST /api/import",
      ]),
    );
  });

  describe.each([
    ["an admin", () => readOnlyAdmin],
    ["an org", () => readOnlyAcme],
  ])("read-only %s token", (_kind, as) => {
    it.each(writes)("gets 403 FORBIDDEN on $route, changing nothing", async ({ method, path }) => {
      const target = await create(admin, { name: "target", org: ACME });
      const before = await snapshot();
      const res = await as()(method, `${pathOf(path, target.id)}?scope=${ACME}`, {
        name: "x",
        type: "string",
        value: "after",
        params: {},
      });
      expectError(res, 403, "FORBIDDEN");
      expect(res.body.error.message).toContain("read-only");
      expect(await snapshot()).toEqual(before);
    });

    it("gets 403 on a method no route has, rather than 404: refused by default", async () => {
      expectError(await as()("PATCH", "/api/configs/plain"), 403, "FORBIDDEN");
    });
  });

  it("reads what an admin token reads", async () => {
    for (const path of [
      "/api/orgs",
      "/api/tokens",
      `/api/configs?scope=${ACME}`,
      "/api/executions",
      "/api/audit",
      "/api/export?portable=true",
      `/api/executions/${pendingExecution}`,
    ]) {
      const res = await readOnlyAdmin("GET", path);
      expect(res.status, `${path}: ${res.text}`).toBe(200);
    }
    expect((await readOnlyAdmin("GET", "/api/session")).body).toMatchObject({ kind: "admin", readOnly: true });
  });

  it("reads what an org token reads, and no more", async () => {
    expect((await readOnlyAcme("GET", "/api/configs/plain")).body).toMatchObject({ value: "before" });
    expect((await readOnlyAcme("GET", "/api/tokens")).status).toBe(200);
    expectError(await readOnlyAcme("GET", `/api/configs?scope=${GLOBEX}`), 403, "FORBIDDEN");
    expectError(await readOnlyAcme("GET", "/api/configs?scope=global"), 403, "FORBIDDEN");
    expect((await readOnlyAcme("GET", "/api/session")).body).toMatchObject({ kind: "org", readOnly: true });
  });

  it("may still hand the queue dashboard its cookie (it only reads) and take it back", async () => {
    expect((await readOnlyAdmin("POST", "/api/session/queues-cookie")).status).toBe(204);
    expect((await readOnlyAdmin("DELETE", "/api/session/queues-cookie")).status).toBe(204);
  });

  it("is no read-only token when created without readOnly: the same write succeeds", async () => {
    const writer = t.api((await create(admin, { name: "acme-writer-2", org: ACME })).token);
    expect((await writer("PUT", "/api/configs/plain", { type: "string", value: "after" })).status).toBe(200);
    expect((await readOnlyAcme("GET", "/api/configs/plain")).body).toMatchObject({ value: "after" });
  });
});
