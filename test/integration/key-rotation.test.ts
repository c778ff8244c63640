import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { GLOBAL_SCOPE, orgScope, type Scope } from "../../src/orgs/index.ts";
import { openPlatform, type Platform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { KeyRotation } from "../../src/secrets/index.ts";
import { createTestDatabase, dumpAllTables, type TestDatabase } from "../support/test-database.ts";
import { lines, runCli } from "./cli-runner.ts";

// Rotation without downtime: old keys stay readable through BIFROST_SECRET_KEY_PREVIOUS while
// `bifrost keys rotate` re-encrypts everything under the new key, resumably.

const OLD = "old-key-0123456789-0123456789-0123456789";
const NEW = "new-key-0123456789-0123456789-0123456789";
const OLDER = "older-key-0123456789-0123456789-01234567";
const quiet = createLogger({ level: "silent" });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

function envOf(db: TestDatabase, key: string, previous?: string): Record<string, string> {
  return {
    BIFROST_HOME: join(db.dir, "home"),
    DATABASE_URL: db.url,
    BIFROST_SECRET_KEY: key,
    ...(previous ? { BIFROST_SECRET_KEY_PREVIOUS: previous } : {}),
  };
}
async function open(db: TestDatabase, key: string, previous?: string): Promise<Platform> {
  const platform = await openPlatform({ settings: loadSettings(envOf(db, key, previous)), logger: quiet });
  cleanup.push(() => platform.close());
  return platform;
}

/** A database with secrets under OLD: 7 global, 5 in an org, one secret without a value. */
async function seeded(): Promise<{ db: TestDatabase; values: Map<string, string>; org: Scope }> {
  const db = await createTestDatabase();
  cleanup.push(() => db.drop());
  const platform = await openPlatform({ settings: loadSettings(envOf(db, OLD)), logger: quiet });
  const org = orgScope(await platform.orgs.create("acme", "test"));
  const values = new Map<string, string>();
  for (let i = 0; i < 12; i++) {
    const value = `secret-value-${i}-${"x".repeat(i)}`;
    await platform.configs.set(i < 7 ? GLOBAL_SCOPE : org, `secret_${i}`, { type: "secret", value }, "test");
    values.set(`secret_${i}`, value);
  }
  await platform.configs.set(GLOBAL_SCOPE, "plain", { type: "string", value: "not a secret" }, "test");
  await platform.db.prisma.config.create({
    data: {
      id: "00000000-0000-4000-8000-0000000000aa",
      scope: "global",
      key: "imported",
      type: "secret",
      createdBy: "t",
      updatedBy: "t",
    },
  });
  await platform.close();
  return { db, values, org };
}

async function readAll(platform: Platform, values: Map<string, string>, org: Scope): Promise<void> {
  for (const [key, value] of values) {
    const scope = Number(key.split("_")[1]) < 7 ? GLOBAL_SCOPE : org;
    expect((await platform.configs.resolve(scope, key, { actor: "test" })).value).toBe(value);
  }
}

describe("key rotation", () => {
  it("reads old secrets through BIFROST_SECRET_KEY_PREVIOUS, rotates them, and then runs without the old key", async () => {
    const { db, values, org } = await seeded();
    const refused = await open(db, NEW).catch((e) => e);
    expect(refused).toMatchObject({ code: "SECRET_KEY_MISMATCH", message: expect.stringContaining("12 secret(s)") });

    const during = await open(db, NEW, `${OLDER}, ${OLD}`);
    await readAll(during, values, org);
    // New writes use the new key at once.
    await during.configs.set(GLOBAL_SCOPE, "secret_0", { type: "secret", value: "rewritten-during-rotation" }, "test");
    values.set("secret_0", "rewritten-during-rotation");
    const rotation = new KeyRotation(during.db, during.cipher, during.audit);
    const before = await rotation.status();
    expect(before.keys).toEqual([
      { fingerprint: during.cipher.fingerprint, role: "current", secrets: 1 },
      { fingerprint: expect.any(String), role: "previous", secrets: 0 },
      { fingerprint: expect.any(String), role: "previous", secrets: 11 },
    ]);
    expect(before).toMatchObject({ withoutValue: 1, done: false });
    await during.close(); // closing twice (again in afterEach) is harmless

    const env = envOf(db, NEW, OLD);
    const status = await runCli(["keys", "status"], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/current\s+1\n/);
    expect(status.stdout).toMatch(/previous\s+11\n/);
    expect(status.stdout).toContain("run `bifrost keys rotate`");

    const rotated = await runCli(["keys", "rotate", "--batch-size", "4"], { env });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toBe("rotated 11 secret(s); 0 left under other keys\n");
    expect(lines(rotated.stderr)).toEqual([
      "rotating [..............................] 0/11 (0%)",
      "rotating [###########...................] 4/11 (36%)",
      "rotating [######################........] 8/11 (73%)",
      "rotating [##############################] 11/11 (100%)",
    ]);
    expect((await runCli(["keys", "status"], { env })).stdout).toContain("BIFROST_SECRET_KEY_PREVIOUS can be removed");

    const after = await open(db, NEW);
    await readAll(after, values, org);
    expect((await after.audit.list({ action: "keys.rotate", limit: 1 }))[0]).toMatchObject({
      actor: "cli:keys rotate",
      details: { rotated: 11, remaining: 0 },
    });
    expect(await dumpAllTables(db)).not.toContain("secret-value-");
  });

  it("resumes an interrupted rotation where it stopped", async () => {
    const { db, values, org } = await seeded();
    const platform = await open(db, NEW, OLD);
    const rotation = new KeyRotation(platform.db, platform.cipher, platform.audit);
    const interrupted = rotation.rotate({
      actor: "test",
      batchSize: 5,
      onProgress: (done) => {
        if (done >= 5) throw new Error("interrupted");
      },
    });
    await expect(interrupted).rejects.toThrow("interrupted");
    expect((await rotation.status()).keys.find((k) => k.role === "previous")?.secrets).toBe(7);
    expect(await rotation.rotate({ actor: "test" })).toEqual({ rotated: 7, skipped: 0, remaining: 0 });
    await readAll(platform, values, org);
  });

  it("exports a backup under the current key, whatever key each row is under", async () => {
    const { db } = await seeded();
    const platform = await open(db, NEW, OLD);
    let text = "";
    for await (const chunk of platform.bundleExporter.export({ portable: false, actor: "test" })) text += chunk;
    const bundle = JSON.parse(text) as {
      keyFingerprint: string;
      configs: { key: string; encrypted?: string | null }[];
    };
    expect(bundle.keyFingerprint).toBe(platform.cipher.fingerprint);
    const token = bundle.configs.find((c) => c.key === "secret_3")!.encrypted!;
    expect(platform.cipher.decrypt(token, "test", platform.cipher.fingerprint)).toBe("secret-value-3-xxx");
  });
});
