import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { openPlatform, type Platform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { SecretCipher } from "../../src/secrets/index.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";

const KEY_A = "key-a-0123456789-0123456789-0123456789";
const KEY_B = "key-b-0123456789-0123456789-0123456789";
const quiet = createLogger({ level: "silent" });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanup.push(() => db.drop());
  return db;
}

async function open(db: TestDatabase, secretKey?: string, previousKeys: string[] = []): Promise<Platform> {
  const env: Record<string, string> = { BIFROST_HOME: join(db.dir, "home"), DATABASE_URL: db.url };
  if (secretKey !== undefined) env.BIFROST_SECRET_KEY = secretKey;
  if (previousKeys.length > 0) env.BIFROST_SECRET_KEY_PREVIOUS = previousKeys.join(",");
  const platform = await openPlatform({ settings: loadSettings(env), logger: quiet });
  cleanup.push(() => platform.close());
  return platform;
}

describe("secret key at startup", () => {
  it("refuses a key shorter than 32 characters, saying so", async () => {
    const db = await database();
    await expect(open(db, "too-short")).rejects.toMatchObject({
      code: "SECRET_KEY_INVALID",
      message: expect.stringMatching(/9 characters long; it must be at least 32/),
    });
  });

  it("refuses to start under another key once secrets exist, naming the fingerprints", async () => {
    const db = await database();
    const first = await open(db, KEY_A);
    await first.configs.set(GLOBAL_SCOPE, "api_key", { type: "secret", value: "s3cret-value" }, "test");
    const fingerprint = first.cipher.fingerprint;
    await first.close();
    cleanup.pop();

    const error = await open(db, KEY_B).catch((e) => e);
    expect(error).toMatchObject({ code: "SECRET_KEY_MISMATCH" });
    expect(error.message).toContain(fingerprint);
    expect(error.message).toMatch(/1 secret\(s\)/);
    expect(error.message).not.toContain(KEY_A);
    expect(error.message).not.toContain(KEY_B);

    const again = await open(db, KEY_A);
    expect((await again.configs.resolve(GLOBAL_SCOPE, "api_key", { actor: "test" })).value).toBe("s3cret-value");
  });

  // The check reads index ranges around the fingerprints it has: below, between and above them,
  // and the secrets that carry none.
  it("finds secrets under a key whose fingerprint sorts between the ones it has, and secrets without one", async () => {
    const [low, middle, high] = ["key-c", "key-d", "key-e"]
      .map((name) => `${name}-0123456789-0123456789-0123456789`)
      .map((key) => ({ key, fingerprint: new SecretCipher(key).fingerprint }))
      .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    const db = await database();
    const first = await open(db, middle.key);
    await first.configs.set(GLOBAL_SCOPE, "api_key", { type: "secret", value: "s3cret-value" }, "test");
    await first.close();
    cleanup.pop();

    const between = await open(db, low.key, [high.key]).catch((e) => e);
    expect(between).toMatchObject({ code: "SECRET_KEY_MISMATCH", details: { rows: 1 } });
    expect(between.message).toContain(`${middle.fingerprint} (1)`);

    const again = await open(db, middle.key, [low.key, high.key]);
    await again.db.prisma.config.updateMany({ where: { key: "api_key" }, data: { keyFingerprint: null } });
    await again.close();
    cleanup.pop();
    const unknown = await open(db, middle.key).catch((e) => e);
    expect(unknown).toMatchObject({ code: "SECRET_KEY_MISMATCH" });
    expect(unknown.message).toContain("unknown (1)");
  });

  it("accepts a new key while no secret is stored", async () => {
    const db = await database();
    const first = await open(db, KEY_A);
    await first.configs.set(GLOBAL_SCOPE, "plain", { type: "int", value: 1 }, "test");
    await first.close();
    cleanup.pop();
    await expect(open(db, KEY_B)).resolves.toBeDefined();
  });

  it.runIf(process.env.BIFROST_TEST_DB !== "postgresql")(
    "generates a 0600 key file on the embedded default and reuses it",
    async () => {
      const db = await database();
      const first = await open(db);
      const file = join(db.dir, "home", "secret.key");
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, "utf8").trim().length).toBeGreaterThanOrEqual(32);
      await first.configs.set(GLOBAL_SCOPE, "api_key", { type: "secret", value: "generated-key-secret" }, "test");
      await first.close();
      cleanup.pop();
      const second = await open(db);
      expect((await second.configs.resolve(GLOBAL_SCOPE, "api_key", { actor: "test" })).value).toBe(
        "generated-key-secret",
      );
    },
  );

  it.runIf(process.env.BIFROST_TEST_DB === "postgresql")("requires BIFROST_SECRET_KEY on PostgreSQL", async () => {
    const db = await database();
    await expect(open(db)).rejects.toMatchObject({
      code: "SECRET_KEY_INVALID",
      message: expect.stringMatching(/BIFROST_SECRET_KEY is not set/),
    });
  });
});
