import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigNotFoundError } from "../../src/errors/index.ts";
import { GLOBAL_SCOPE, orgScope, type Scope } from "../../src/orgs/index.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

let t: TestPlatform;
let api: Api;
let acme: Scope;
let globex: Scope;
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
  acme = orgScope(await t.platform.orgs.create("acme", "test"));
  globex = orgScope(await t.platform.orgs.create("globex", "test"));
});
afterAll(() => t?.close());

const resolve = (scope: Scope, key: string) => t.platform.configs.resolve(scope, key, { actor: "test" });

describe("scope cascade", () => {
  it("an org row shadows the global row; another org still reads the global one", async () => {
    await api("PUT", "/api/configs/greeting?scope=global", { type: "string", value: "hello" });
    await api("PUT", "/api/configs/greeting?scope=acme", { type: "string", value: "howdy" });

    expect(await resolve(acme, "greeting")).toMatchObject({
      value: "howdy",
      resolvedFrom: acme.kind === "org" ? acme.org.id : "",
    });
    expect(await resolve(globex, "greeting")).toMatchObject({ value: "hello", resolvedFrom: "global" });
    expect(await resolve(GLOBAL_SCOPE, "greeting")).toMatchObject({ value: "hello", resolvedFrom: "global" });

    const viaApi = await api("GET", "/api/configs/greeting?scope=acme");
    expect(viaApi.body).toMatchObject({ key: "greeting", type: "string", value: "howdy", masked: false });
    expect(viaApi.body.resolvedFrom).not.toBe("global");
    expect((await api("GET", "/api/configs/greeting?scope=globex")).body).toMatchObject({
      value: "hello",
      resolvedFrom: "global",
    });
  });

  it("deleting the org row lets the global value show through again, on the very next read", async () => {
    await api("PUT", "/api/configs/tier?scope=global", { type: "string", value: "standard" });
    await api("PUT", "/api/configs/tier?scope=acme", { type: "string", value: "gold" });
    expect((await resolve(acme, "tier")).value).toBe("gold");
    expect((await api("DELETE", "/api/configs/tier?scope=acme")).status).toBe(204);
    expect(await resolve(acme, "tier")).toMatchObject({ value: "standard", resolvedFrom: "global" });
    expect((await api("GET", "/api/configs/tier?scope=global")).body.value).toBe("standard");
  });

  it("an org row shadows a global row of another type", async () => {
    await api("PUT", "/api/configs/limit?scope=global", { type: "int", value: 10 });
    await api("PUT", "/api/configs/limit?scope=acme", { type: "json", value: { soft: 5, hard: 20 } });
    expect(await resolve(acme, "limit")).toMatchObject({ type: "json", value: { soft: 5, hard: 20 } });
    expect(await resolve(globex, "limit")).toMatchObject({ type: "int", value: 10 });
  });

  it("an org-only key is invisible to other orgs and to global reads", async () => {
    await api("PUT", "/api/configs/acme_only?scope=acme", { type: "bool", value: true });
    await expect(resolve(globex, "acme_only")).rejects.toBeInstanceOf(ConfigNotFoundError);
    await expect(resolve(GLOBAL_SCOPE, "acme_only")).rejects.toMatchObject({ code: "CONFIG_NOT_FOUND" });
    const res = await api("GET", "/api/configs/acme_only?scope=globex");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "CONFIG_NOT_FOUND", message: expect.stringContaining('"acme_only"') });
  });

  it("a change is visible to the very next read, with no stale cache", async () => {
    for (let i = 0; i < 20; i++) {
      await api("PUT", "/api/configs/counter?scope=acme", { type: "int", value: i });
      expect((await resolve(acme, "counter")).value).toBe(i);
    }
  });

  it("the effective list shows every key an org can read, each from where it comes", async () => {
    const res = await api("GET", "/api/configs?scope=acme&effective=true");
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(
      res.body.map((c: { key: string; resolvedFrom: string; value: unknown }) => [c.key, c]),
    );
    expect(byKey.greeting).toMatchObject({ value: "howdy", resolvedFrom: acme.kind === "org" ? acme.org.id : "" });
    expect(byKey.tier).toMatchObject({ value: "standard", resolvedFrom: "global" });
    expect(byKey.acme_only).toBeDefined();
    const plain = await api("GET", "/api/configs?scope=globex");
    expect(plain.body).toEqual([]);
  });

  it("scopes can be named by org id or name; an unknown org is 404 ORG_NOT_FOUND and changes nothing", async () => {
    const id = acme.kind === "org" ? acme.org.id : "";
    expect((await api("GET", `/api/configs/greeting?scope=${id}`)).body.value).toBe("howdy");
    const before = await t.platform.db.prisma.config.count();
    const res = await api("PUT", "/api/configs/x?scope=nosuchorg", { type: "string", value: "v" });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ORG_NOT_FOUND");
    expect(await t.platform.db.prisma.config.count()).toBe(before);
  });

  it("DELETE of a key the scope does not have is 404 and leaves the global row alone", async () => {
    const res = await api("DELETE", "/api/configs/greeting?scope=globex");
    expect(res.status).toBe(404);
    expect((await resolve(GLOBAL_SCOPE, "greeting")).value).toBe("hello");
  });
});

describe("secrets are write-only and masked", () => {
  const plaintext = "sk_live_cascade_test_value_123";

  it("every response shows a secret as value null, masked true", async () => {
    const put = await api("PUT", "/api/configs/stripe_key?scope=global", {
      type: "secret",
      value: plaintext,
      description: "Stripe",
    });
    expect(put.status).toBe(201);
    const responses = [
      put,
      await api("PUT", "/api/configs/stripe_key?scope=acme", { type: "secret", value: `${plaintext}_acme` }),
      await api("GET", "/api/configs?scope=global"),
      await api("GET", "/api/configs?scope=acme"),
      await api("GET", "/api/configs?scope=acme&effective=true"),
      await api("GET", "/api/configs/stripe_key?scope=acme"),
      await api("GET", "/api/configs/stripe_key?scope=globex"),
      await api("GET", "/api/audit"),
    ];
    const row = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "stripe_key", scope: "global" } });
    expect(row.encrypted).toMatch(/^gAAAAA/);
    for (const res of responses) {
      expect(res.text).not.toContain(plaintext);
      expect(res.text).not.toContain(row.encrypted!);
      expect(res.text).not.toContain("gAAAAA");
    }
    expect(put.body).toMatchObject({
      key: "stripe_key",
      type: "secret",
      value: null,
      masked: true,
      hasValue: true,
      description: "Stripe",
    });
    for (const item of responses[2].body)
      if (item.type === "secret") expect(item).toMatchObject({ value: null, masked: true });
    expect(responses[6].body).toMatchObject({ value: null, masked: true, resolvedFrom: "global" });
  });

  it("is stored as a Fernet token under the current key, and decrypts only in the service", async () => {
    const row = await t.platform.db.prisma.config.findFirstOrThrow({ where: { key: "stripe_key", scope: "global" } });
    expect(row.value).toBeNull();
    expect(row.keyFingerprint).toBe(t.platform.cipher.fingerprint);
    expect(t.platform.cipher.decrypt(row.encrypted!, "test")).toBe(plaintext);
    expect((await resolve(globex, "stripe_key")).value).toBe(plaintext);
    expect((await resolve(acme, "stripe_key")).value).toBe(`${plaintext}_acme`);
  });

  it("replacing a secret needs a full new value", async () => {
    const res = await api("PUT", "/api/configs/stripe_key?scope=global", { type: "secret" });
    expect(res.status).toBe(400);
    expect((await resolve(globex, "stripe_key")).value).toBe(plaintext);
    await api("PUT", "/api/configs/stripe_key?scope=global", { type: "secret", value: "sk_live_rotated_value" });
    expect((await resolve(globex, "stripe_key")).value).toBe("sk_live_rotated_value");
  });

  it("warns when a secret is too short to be scrubbed from output", async () => {
    const res = await api("PUT", "/api/configs/pin", { type: "secret", value: "123" });
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([expect.stringMatching(/shorter than 4/)]);
    expect(res.text).not.toContain('"123"');
  });
});
