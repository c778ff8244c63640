import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// What the console needs from the config API: create-only writes, changing a secret's description
// without its value, the global value an override hides, and the keys × orgs matrix.

let t: TestPlatform;
let api: Api;
const secret = makeSecret("matrix secret");
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
});
afterAll(() => t?.close());

const auditOf = (key: string) => t.platform.db.prisma.auditEvent.findMany({ where: { key }, orderBy: { id: "asc" } });

describe("create-only writes (If-None-Match: *)", () => {
  it("creates a key that does not exist, and refuses one that does with 409 CONFIG_EXISTS, changing nothing", async () => {
    const created = await api(
      "PUT",
      "/api/configs/co_region",
      { type: "string", value: "eu", description: "where" },
      { "if-none-match": "*" },
    );
    expect(created.status, created.text).toBe(201);
    const before = await auditOf("co_region");
    const again = await api("PUT", "/api/configs/Co-Region", { type: "int", value: 3 }, { "if-none-match": "*" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("CONFIG_EXISTS");
    expect(again.body.error.message).toContain("edit it instead");
    expect((await api("GET", "/api/configs/co_region")).body).toMatchObject({
      type: "string",
      value: "eu",
      description: "where",
    });
    expect(await auditOf("co_region")).toHaveLength(before.length);
    // Without the header, PUT stays an upsert (the v1 contract).
    expect((await api("PUT", "/api/configs/co_region", { type: "string", value: "us" })).status).toBe(200);
  });

  it("is per scope: an org may create its own row of a key that global holds", async () => {
    await t.platform.orgs.create("co-acme", "test");
    const res = await api(
      "PUT",
      "/api/configs/co_region?scope=co-acme",
      { type: "string", value: "ap" },
      { "if-none-match": "*" },
    );
    expect(res.status).toBe(201);
    const conflict = await api(
      "PUT",
      "/api/configs/co_region?scope=co-acme",
      { type: "string", value: "x" },
      { "if-none-match": "*" },
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.details).toEqual({ key: "co_region", scope: "co-acme" });
  });
});

describe("writes without a value", () => {
  it("change a secret's description and keep its ciphertext; audited without a value", async () => {
    await api("PUT", "/api/configs/desc_secret", { type: "secret", value: secret.plaintext, description: "old" });
    const before = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "desc_secret" } });
    const res = await api("PUT", "/api/configs/desc_secret", { type: "secret", description: "new words" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      type: "secret",
      description: "new words",
      value: null,
      masked: true,
      hasValue: true,
    });
    const after = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "desc_secret" } });
    expect(after.encrypted).toBe(before.encrypted);
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect((await t.platform.configs.resolve(GLOBAL_SCOPE, "desc_secret", { actor: "test" })).value).toBe(
      secret.plaintext,
    );
    const audit = await auditOf("desc_secret");
    expect(audit.map((a) => a.action)).toEqual(["config.create", "config.update", "secret.read"]);
    expect(JSON.parse(audit[1]!.details!)).toEqual({ type: "secret", valueKept: true });
    expect(
      findLeaks(
        [
          { where: "audit", content: JSON.stringify(audit) },
          { where: "response", content: res.text },
        ],
        needlesFor(secret),
      ),
    ).toEqual([]);
  });

  it("need a value when the type changes, the key is new, or no description is given", async () => {
    const bare = await api("PUT", "/api/configs/desc_secret", { type: "secret" });
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toMatch(/value is required/);
    const retype = await api("PUT", "/api/configs/desc_secret", { type: "string", description: "x" });
    expect(retype.status).toBe(400);
    expect(retype.body.error.code).toBe("INVALID_CONFIG_VALUE");
    expect(retype.body.error.message).toMatch(/value is required/);
    expect((await api("PUT", "/api/configs/brand_new", { type: "secret" })).status).toBe(400);
    expect((await api("GET", "/api/configs/brand_new")).status).toBe(404);
  });
});

describe("comparing scopes", () => {
  it("an org's effective row that overrides global names the global value it hides (a secret as set, never its value)", async () => {
    await t.platform.orgs.create("cmp-org", "test");
    await api("PUT", "/api/configs/cmp_limit", { type: "int", value: 3, description: "global limit" });
    await api("PUT", "/api/configs/cmp_limit?scope=cmp-org", { type: "int", value: 5 });
    await api("PUT", "/api/configs/cmp_secret", { type: "secret", value: secret.plaintext });
    await api("PUT", "/api/configs/cmp_secret?scope=cmp-org", { type: "string", value: "plain" });
    const list = await t.api(await t.orgToken("cmp-org"))("GET", "/api/configs?scope=cmp-org&effective=true");
    const byKey = Object.fromEntries((list.body as { key: string; shadowed?: unknown }[]).map((c) => [c.key, c]));
    expect(byKey.cmp_limit).toMatchObject({
      value: 5,
      shadowsGlobal: true,
      shadowed: { type: "int", value: 3, description: "global limit" },
    });
    expect(byKey.cmp_secret).toMatchObject({
      type: "string",
      shadowed: { type: "secret", value: null, masked: true, hasValue: true },
    });
    expect(byKey.co_region?.shadowed).toBeUndefined();
    const one = await api("GET", "/api/configs/cmp_limit?scope=cmp-org");
    expect(one.body.shadowed).toMatchObject({ value: 3 });
    expect(findLeaks([{ where: "list", content: list.text }], needlesFor(secret))).toEqual([]);
  });

  it("GET /api/config-matrix: keys × orgs, differences flagged, secrets as set/unset, admin only", async () => {
    const res = await api("GET", "/api/config-matrix");
    expect(res.status).toBe(200);
    const org = (await t.platform.orgs.find("cmp-org"))!;
    expect(res.body.orgs).toEqual(expect.arrayContaining([{ id: org.id, name: "cmp-org" }]));
    const byKey = Object.fromEntries((res.body.keys as { key: string }[]).map((k) => [k.key, k]));
    expect(byKey.cmp_limit).toMatchObject({
      differs: true,
      global: { type: "int", value: 3 },
      orgs: { [org.id]: { type: "int", value: 5 } },
    });
    expect(byKey.desc_secret).toMatchObject({
      differs: false,
      global: { type: "secret", value: null, masked: true, hasValue: true },
      orgs: {},
    });
    expect(findLeaks([{ where: "matrix", content: res.text }], needlesFor(secret))).toEqual([]);
    const denied = await t.api(await t.orgToken("cmp-org"))("GET", "/api/config-matrix");
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("FORBIDDEN");
  });

  it("GET /api/config-matrix pages over orgs by name with the orgs list's cursor and Link", async () => {
    for (const name of ["pg-a", "pg-b", "pg-c"]) {
      const org = await t.platform.orgs.create(name, "test");
      await t.platform.configs.set({ kind: "org", org }, "pg_only", { type: "int", value: name.length }, "test");
    }
    await t.platform.configs.set(
      { kind: "org", org: (await t.platform.orgs.find("pg-c"))! },
      "pg_c_only",
      { type: "string", value: "c" },
      "test",
    );
    const total = (await t.platform.orgs.list({ limit: 10_000 })).length;
    const seen: string[] = [];
    let path: string | null = "/api/config-matrix?limit=2";
    let pages = 0;
    while (path) {
      // fetch, not the test's api helper: the Link header is the point.
      const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        orgs: { id: string; name: string }[];
        keys: { key: string; orgs: Record<string, unknown> }[];
      };
      pages++;
      expect(body.orgs.length).toBeLessThanOrEqual(2);
      // Every page lists every key, with cells only for its own orgs.
      expect(body.keys.map((k) => k.key)).toEqual(expect.arrayContaining(["cmp_limit", "pg_only", "pg_c_only"]));
      const ids = new Set(body.orgs.map((o) => o.id));
      for (const row of body.keys) for (const id of Object.keys(row.orgs)) expect(ids.has(id)).toBe(true);
      seen.push(...body.orgs.map((o) => o.name));
      path = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1] ?? null;
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen).toHaveLength(total);
    expect(pages).toBe(Math.ceil(total / 2));

    const bad = await api("GET", "/api/config-matrix?cursor=nope!");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_ERROR");
    expect((await api("GET", "/api/config-matrix?limit=0")).status).toBe(400);
  });
});
