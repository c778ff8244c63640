import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { openPlatform, type Platform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { KeyRotation } from "../../src/secrets/index.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";
import { TEST_SECRET_KEY, startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// Config lists are rendered once per change (ConfigListCache): every way a config can change must
// show in the very next list, whichever process made the change.

let t: TestPlatform;
let api: Api;
let other: Platform;
beforeAll(async () => {
  t = await startTestPlatform();
  api = t.api(t.adminToken);
  await t.platform.orgs.create("acme", "test");
  // A second process on the same database (a worker, another API replica, the CLI's `keys rotate`).
  other = await openPlatform({ settings: loadSettings(t.env()), logger: createLogger({ level: "silent" }) });
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

const keysOf = async (path: string) => {
  const res = await api("GET", path);
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body as { key: string; value: unknown }[]).map((c) => [c.key, c.value]));
};

describe("config lists", () => {
  it("show a change made through the API in the very next list", async () => {
    await api("PUT", "/api/configs/region?scope=global", { type: "string", value: "eu" });
    expect(await keysOf("/api/configs?scope=global")).toMatchObject({ region: "eu" });
    await api("PUT", "/api/configs/region?scope=global", { type: "string", value: "us" });
    expect(await keysOf("/api/configs?scope=global")).toMatchObject({ region: "us" });
    await api("DELETE", "/api/configs/region?scope=global");
    expect(await keysOf("/api/configs?scope=global")).not.toHaveProperty("region");
  });

  it("show a change made by another process on the same database", async () => {
    expect(await keysOf("/api/configs?scope=acme")).toEqual({});
    const acme = await other.orgs.resolveScope("acme");
    await other.configs.set(acme, "plan", { type: "string", value: "gold" }, "test");
    expect(await keysOf("/api/configs?scope=acme")).toEqual({ plan: "gold" });
    await other.configs.delete(acme, "plan", "test");
    expect(await keysOf("/api/configs?scope=acme")).toEqual({});
  });

  it("an org's effective list follows changes to the global configs it inherits", async () => {
    await api("PUT", "/api/configs/timeout?scope=global", { type: "int", value: 30 });
    expect(await keysOf("/api/configs?scope=acme&effective=true")).toMatchObject({ timeout: 30 });
    await other.configs.set(GLOBAL_SCOPE, "timeout", { type: "int", value: 45 }, "test");
    expect(await keysOf("/api/configs?scope=acme&effective=true")).toMatchObject({ timeout: 45 });
    await api("PUT", "/api/configs/timeout?scope=acme", { type: "int", value: 60 });
    expect(await keysOf("/api/configs?scope=acme&effective=true")).toMatchObject({ timeout: 60 });
  });

  it("show what an import created and updated", async () => {
    await keysOf("/api/configs?scope=acme");
    const res = await api("POST", "/api/import", {
      format: "bifrost-ts/bundle",
      version: 1,
      portable: true,
      orgs: [{ name: "acme" }],
      configs: [
        { org: "acme", key: "imported", type: "string", description: null, value: "yes" },
        { org: "acme", key: "timeout", type: "int", description: null, value: 90 },
      ],
    });
    expect(res.status).toBe(200);
    expect(await keysOf("/api/configs?scope=acme")).toMatchObject({ imported: "yes", timeout: 90 });
  });

  it("answer 304 to If-None-Match while nothing changed, and a new ETag after a change", async () => {
    // fetch() adds Cache-Control: no-cache to a conditional request unless told otherwise.
    const get = (path: string, etag: string) =>
      fetch(`${t.url}${path}`, {
        headers: { authorization: `Bearer ${t.adminToken}`, "if-none-match": etag, "cache-control": "max-age=0" },
      });
    const first = await fetch(`${t.url}/api/configs?scope=global`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await get("/api/configs?scope=global", etag);
    expect(again.status).toBe(304);
    // Another scope's list at the same revisions is another list.
    const acme = await get("/api/configs?scope=acme", etag);
    expect(acme.status).toBe(200);
    await api("PUT", "/api/configs/fresh?scope=global", { type: "bool", value: true });
    const changed = await get("/api/configs?scope=global", etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });
});

describe("config lists and key rotation", () => {
  let db: TestDatabase;
  afterAll(() => db?.drop());

  it("show the rotated secrets' new updatedAt", async () => {
    db = await createTestDatabase();
    const OLD = "old-secret-key-0123456789-abcdefghijklmnopq";
    const before = await startTestPlatform({ db, secretKey: OLD });
    await before.api(before.adminToken)("PUT", "/api/configs/api_key?scope=global", {
      type: "secret",
      value: "sk_live_rotate_me_0123456789",
    });
    await before.close();

    const during = await startTestPlatform({ db, secretKey: TEST_SECRET_KEY, previousSecretKeys: OLD });
    try {
      const list = async () =>
        (await during.api(during.adminToken)("GET", "/api/configs?scope=global")).body as {
          key: string;
          updatedAt: string;
        }[];
      const listed = (await list()).find((c) => c.key === "api_key")!;
      await new Promise((resolve) => setTimeout(resolve, 5)); // so the new updatedAt differs
      const { platform } = during;
      expect(
        await new KeyRotation(platform.db, platform.cipher, platform.audit).rotate({ actor: "test" }),
      ).toMatchObject({ rotated: 1 });
      const after = (await list()).find((c) => c.key === "api_key")!;
      expect(after.updatedAt).not.toBe(listed.updatedAt);
    } finally {
      await during.close();
    }
  });
});
