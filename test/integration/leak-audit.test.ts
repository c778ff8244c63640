import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { openPlatform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { createTestDatabase, dumpAllTables, type TestDatabase } from "../support/test-database.ts";
import {
  filesUnder,
  findLeaks,
  makeSecret,
  needlesFor,
  type Haystack,
  type TestSecret,
} from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { runCli, spawnCli, type CliProcess } from "./cli-runner.ts";

// The leak audit: one scenario through every feature that touches a secret (set through the API
// and the CLI, read by workflows in an API-side and a separate worker process, per-user config,
// portable and backup exports, an import, a key rotation), then a search of every place data
// rests or flows for each plaintext in its common encodings. It must find none.

const OLD = "leak-audit-old-key-0123456789-0123456789";
const NEW = "leak-audit-new-key-0123456789-0123456789";

let db: TestDatabase;
let t: TestPlatform;
let target: TestPlatform;
let admin: Api;
let worker: CliProcess;
const secrets: TestSecret[] = [];
const seen: Haystack[] = [];

const secret = (label: string, special = false) => {
  const made = makeSecret(label, { special });
  secrets.push(made);
  return made;
};
const recorded =
  (api: Api): Api =>
  async (method, path, body, headers) => {
    const res = await api(method, path, body, headers);
    seen.push({ where: `response to ${method} ${path}`, content: res.text });
    return res;
  };
const cli = async (args: string[], input?: string, env = t.env()) => {
  const res = await runCli(args, { env, input });
  seen.push(
    { where: `stdout of bifrost ${args.join(" ")}`, content: res.stdout },
    { where: `stderr of bifrost ${args.join(" ")}`, content: res.stderr },
  );
  return res;
};

beforeAll(async () => {
  // Some secrets were written under the old key, before the rotation this scenario goes through.
  db = await createTestDatabase();
  const before = await openPlatform({
    settings: loadSettings({ BIFROST_HOME: join(db.dir, "home"), DATABASE_URL: db.url, BIFROST_SECRET_KEY: OLD }),
    logger: createLogger({ level: "silent" }),
  });
  await before.configs.set(
    GLOBAL_SCOPE,
    "api_secret",
    { type: "secret", value: secret("old-key secret read by workflows", true).plaintext },
    "seed",
  );
  await before.close();
  // No worker in this process: every run goes through the separate `bifrost worker` process.
  t = await startTestPlatform({ db, secretKey: NEW, previousSecretKeys: OLD });
  admin = recorded(t.api(t.adminToken));
  await t.platform.orgs.create("acme", "test");
  worker = spawnCli(["worker"], { env: t.env() });
  await worker.waitFor(/taking executions/);
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await target?.close();
  await t?.close();
  await db?.drop();
});

describe("leak audit", () => {
  it("runs every feature that touches a secret", async () => {
    expect(
      (
        await admin("PUT", "/api/configs/stripe_api_key?scope=acme", {
          type: "secret",
          value: secret("API secret", true).plaintext,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin("PUT", "/api/configs/partner_token", {
          type: "secret",
          value: secret("API secret, global").plaintext,
        })
      ).status,
    ).toBe(201);
    expect((await cli(["config", "set", "partner_signing_key", "--secret"], secret("CLI secret").plaintext)).code).toBe(
      0,
    );
    expect(
      (
        await cli(
          ["config", "set", "github_token", "--secret", "--org", "acme"],
          secret("CLI org secret", true).plaintext,
        )
      ).code,
    ).toBe(0);
    // A refused write carrying a secret.
    expect(
      (await admin("PUT", "/api/configs/bad%20key!", { type: "secret", value: secret("refused secret").plaintext }))
        .status,
    ).toBe(400);

    const user = secret("per-user value");
    for (const [workflow, params, scope] of [
      ["leak_everything", { mode: "return" }, "acme"],
      ["leak_everything", { mode: "throw" }, "global"],
      ["needs_secrets", {}, "global"],
      ["secret_digest", { key: "stripe_api_key" }, "acme"],
      ["per_user_config", {}, "acme"],
    ] as const) {
      const res = await admin(
        "POST",
        `/api/workflows/${workflow}/executions?scope=${scope}&wait=20000`,
        { params },
        { "Config-User-Token": user.plaintext, "Config-Api-Key": user.plaintext },
      );
      expect(res.status, res.text).toBe(200);
      await admin("GET", `/api/executions/${res.body.id}`);
    }
    const many = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin(
          "POST",
          "/api/workflows/leak_everything/executions?scope=acme",
          { params: { mode: "return" } },
          { "Config-User-Token": user.plaintext },
        ),
      ),
    );
    for (const res of many) await t.server.executions.waitForEnd(res.body.id, 20_000);
    await admin("GET", "/api/executions?limit=100");
    await admin("GET", "/api/configs?scope=acme&effective=true");
    await admin("GET", "/api/audit?limit=1000");

    const portable = await admin("GET", "/api/export?portable=true");
    const backupFile = join(t.db.dir, "backup.json");
    expect((await cli(["export", "-o", backupFile])).code).toBe(0);
    target = await startTestPlatform({ secretKey: NEW, previousSecretKeys: OLD });
    const targetAdmin = recorded(target.api(target.adminToken));
    expect((await targetAdmin("POST", "/api/import", portable.body)).status).toBe(200);
    expect((await targetAdmin("POST", "/api/import", JSON.parse(readFileSync(backupFile, "utf8")))).status).toBe(200);
    expect((await target.platform.configs.resolve(GLOBAL_SCOPE, "partner_token", { actor: "test" })).value).toBe(
      secrets[2].plaintext,
    );

    const rotated = await cli(["keys", "rotate"]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain("rotated 1 secret(s)");
  }, 120_000);

  it("finds no plaintext anywhere: tables, database files, Redis, logs, responses, CLI output", async () => {
    const haystacks: Haystack[] = [
      { where: "source tables", content: await dumpAllTables(t.db) },
      { where: "target tables", content: await dumpAllTables(target.db) },
      ...filesUnder(t.db.dir),
      ...filesUnder(target.db.dir),
      { where: "source Redis", content: await t.redisDump() },
      { where: "target Redis", content: await target.redisDump() },
      { where: "worker process output", content: worker.output() },
      ...seen,
    ];
    // The searches look at real data: the runs happened, and the logs are not empty.
    expect(await t.platform.db.prisma.execution.count({ where: { status: { in: ["success", "failed"] } } })).toBe(15);
    expect(worker.output()).toMatch(/taking executions/);
    expect(t.logs().length).toBeGreaterThan(1_000);
    const leaks = findLeaks(haystacks, secrets.flatMap(needlesFor));
    expect(leaks).toEqual([]);
    console.log(
      `leak audit: ${secrets.length} secrets × ${needlesFor(secrets[0]).length} encodings searched in ${haystacks.length} places: ${leaks.length} found`,
    );
  });
});
