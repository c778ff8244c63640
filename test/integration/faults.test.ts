import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { openPlatform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { createTestDatabase, testProvider, type TestDatabase } from "../support/test-database.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { runCli, spawnCli, unusedPort, type CliProcess } from "./cli-runner.ts";

// Faults with real processes: Redis restarted under load, the database lost during config writes,
// the key rotated while workers read secrets at full speed. (A worker killed with 100 runs in
// flight is in worker-processes.test.ts.) Each test is bounded in time and reports its figures.

const READY = /taking executions/;
const platforms: TestPlatform[] = [];
const dropAfter: TestDatabase[] = [];
const processes: CliProcess[] = [];
const redisServers: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop("SIGKILL")));
  for (const r of redisServers.splice(0)) r.kill("SIGKILL");
});
afterAll(async () => {
  for (const t of platforms) await t.close();
  for (const db of dropAfter) await db.drop();
});

async function platform(options: Parameters<typeof startTestPlatform>[0] = {}): Promise<TestPlatform> {
  const t = await startTestPlatform({ workerLockMs: 1_000, ...options });
  platforms.push(t);
  return t;
}
function cli(args: string[], env: Record<string, string>): CliProcess {
  const p = spawnCli(args, { env });
  processes.push(p);
  return p;
}
async function redisServer(port: number): Promise<ChildProcess> {
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  redisServers.push(server);
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const ping = spawn("redis-cli", ["-p", String(port), "ping"], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      ping.stdout.on("data", (d) => (out += d));
      ping.on("close", () => resolve(out.includes("PONG")));
    });
    if (ok) return server;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on ${port} did not start`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `done()` holds (checked every 20 ms); the test's own timeout bounds it. */
const until = async (done: () => boolean) => {
  while (!done()) await sleep(20);
};

describe("faults", () => {
  it("Redis restarted under a steady load: 503 while it is down (never a hang), recovery by itself, no accepted execution lost", async () => {
    const t = await platform();
    const redisPort = await unusedPort();
    const apiPort = await unusedPort();
    await redisServer(redisPort);
    const server = cli(
      ["start", "--concurrency", "20"],
      t.env({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, PORT: String(apiPort) }),
    );
    await server.waitFor(READY);
    const url = `http://127.0.0.1:${apiPort}/api/workflows/noop/executions`;

    const accepted: string[] = [];
    const refused: string[] = [];
    const other: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const res = await fetch(url, {
            method: "POST",
            headers: { authorization: `Bearer ${t.adminToken}` },
            signal: AbortSignal.timeout(5_000),
          });
          const body = (await res.json()) as { id?: string; error?: { code: string } };
          if (res.status === 202) accepted.push(body.id!);
          else if (res.status === 503 && body.error?.code === "QUEUE_UNAVAILABLE") refused.push(body.error.code);
          else other.push(`${res.status} ${JSON.stringify(body)}`);
        } catch (error) {
          other.push(`no answer: ${(error as Error).name} ${(error as Error).message}`);
        }
        await sleep(5);
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await sleep(1_500);
    const acceptedBefore = accepted.length;
    redisServers[0].kill("SIGKILL");
    await sleep(2_000);
    await redisServer(redisPort);
    await server.waitFor(/Redis is reachable again/, 20_000);
    const acceptedAtRestart = accepted.length;
    await sleep(2_000);
    stop = true;
    await Promise.all(clients);

    expect(other).toEqual([]);
    expect(acceptedBefore).toBeGreaterThan(10);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(acceptedAtRestart);
    const ended = await Promise.all(accepted.map((id) => t.server.executions.waitForEnd(id, 60_000)));
    expect(ended.filter((e) => e.status !== "success").map((e) => `${e.id} ${e.status} ${e.error}`)).toEqual([]);
    console.log(
      `redis restart: ${accepted.length} executions accepted and all succeeded, ${refused.length} requests refused with 503 while Redis was down`,
    );
  }, 120_000);

  it("the database lost during config writes: clients get errors, writes succeed again once it is back, and no half-written config or audit row remains", async () => {
    const t = await platform();
    const provider = testProvider();
    const apiPort = await unusedPort();
    let server = cli(["server"], t.env({ PORT: String(apiPort) }));
    await server.waitFor(/Bifrost API listening/);
    const url = `http://127.0.0.1:${apiPort}`;
    const outcomes: { key: string; status: number | "no answer"; code?: string }[] = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const key = `fault_${n}_${i}`;
        try {
          const res = await fetch(`${url}/api/configs/${key}`, {
            method: "PUT",
            headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "application/json" },
            body: JSON.stringify({ type: "int", value: i }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await res.json()) as { error?: { code: string } };
          outcomes.push({ key, status: res.status, code: body.error?.code });
        } catch {
          outcomes.push({ key, status: "no answer" });
          await sleep(20);
        }
      }
    };
    const writers = Array.from({ length: 4 }, (_, n) => writer(n));
    // Counted, not timed: a loaded machine writes fewer a second.
    const successes = () => outcomes.filter((o) => o.status === 201).length;
    await until(() => successes() >= 20);
    if (provider === "postgresql") {
      // Stop the database for this server: cut every connection, a few times over.
      const { default: pg } = await import("pg");
      const admin = new pg.Client({
        connectionString: process.env.BIFROST_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
      });
      await admin.connect();
      const name = new URL(t.db.url).pathname.slice(1);
      for (let i = 0; i < 5; i++) {
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [name],
        );
        await sleep(100);
      }
      await admin.end();
    } else {
      // SQLite lives in the server's process: stopping the database is killing that process.
      await server.stop("SIGKILL");
      server = cli(["server"], t.env({ PORT: String(apiPort) }));
      await server.waitFor(/Bifrost API listening/);
    }
    // Writes succeed again once the database is back.
    const before = successes();
    await until(() => successes() >= before + 10);
    stop = true;
    await Promise.all(writers);

    const failed = outcomes.filter((o) => o.status !== 201);
    const succeeded = outcomes.filter((o) => o.status === 201);
    expect(failed.length).toBeGreaterThan(0);
    // An answer that is not a success is the database error, never a generic 500.
    expect(
      failed.filter((o) => o.status !== "no answer" && !(o.status === 503 && o.code === "DATABASE_ERROR")),
    ).toEqual([]);
    expect(succeeded.length).toBeGreaterThan(10);
    const prisma = t.platform.db.prisma;
    const configs = new Set(
      (await prisma.config.findMany({ where: { key: { startsWith: "fault_" } }, select: { key: true } })).map(
        (c) => c.key,
      ),
    );
    const audited = new Set(
      (
        await prisma.auditEvent.findMany({
          where: { action: "config.create", key: { startsWith: "fault_" } },
          select: { key: true },
        })
      ).map((a) => a.key!),
    );
    expect([...configs].filter((k) => !audited.has(k))).toEqual([]);
    expect([...audited].filter((k) => !configs.has(k))).toEqual([]);
    for (const { key } of succeeded) expect(configs.has(key)).toBe(true);
    console.log(
      `database lost (${provider}): ${outcomes.length} writes, ${failed.length} failed, ${configs.size} stored, each with its audit row`,
    );
  }, 120_000);

  it("the key rotated while 4 workers read secrets at full speed: zero failed reads", async () => {
    const OLD = "rotation-old-key-0123456789-0123456789-01";
    const NEW = "rotation-new-key-0123456789-0123456789-01";
    const db: TestDatabase = await createTestDatabase();
    dropAfter.push(db);
    const seed = await openPlatform({
      settings: loadSettings({ BIFROST_HOME: `${db.dir}/home`, DATABASE_URL: db.url, BIFROST_SECRET_KEY: OLD }),
      logger: createLogger({ level: "silent" }),
    });
    for (let i = 0; i < 150; i++)
      await seed.configs.set(GLOBAL_SCOPE, `filler_${i}`, { type: "secret", value: `filler-secret-${i}` }, "seed");
    await seed.configs.set(GLOBAL_SCOPE, "stripe_api_key", { type: "secret", value: "sk_live_rotation_value" }, "seed");
    await seed.configs.set(GLOBAL_SCOPE, "github_token", { type: "secret", value: "ghp_rotation_value" }, "seed");
    await seed.close();

    // The default lock, not this file's 1 s: on SQLite a worker waits for the write lock the
    // rotation holds synchronously (busy_timeout), and a wait past the lock would hand its run to
    // another worker as if it had died, which is the takeover tests' subject, not this one's.
    const t = await platform({ db, secretKey: NEW, previousSecretKeys: OLD, workerLockMs: 30_000 });
    const env = t.env();
    const workers = Array.from({ length: 4 }, () => cli(["worker", "--concurrency", "8"], env));
    await Promise.all(workers.map((w) => w.waitFor(READY)));

    const ids: string[] = [];
    let stop = false;
    const api = t.api(t.adminToken);
    const load = (async () => {
      while (!stop || ids.length < 200) {
        const batch = await Promise.all(
          Array.from({ length: 20 }, () =>
            api("POST", "/api/workflows/secret_digest/executions", { params: { key: "stripe_api_key" } }),
          ),
        );
        for (const res of batch) ids.push(res.body.id);
        await sleep(10);
      }
    })();
    await sleep(300);
    const rotation = await runCli(["keys", "rotate", "--batch-size", "5"], { env, timeoutMs: 120_000 });
    stop = true;
    await load;
    expect(rotation.code, rotation.stderr).toBe(0);
    expect(rotation.stdout).toMatch(/^rotated \d+ secret\(s\).*; 0 left under other keys\n$/);

    const ended = await Promise.all(
      ids.map(async (id) => t.server.executions.view(await t.server.executions.waitForEnd(id, 120_000))),
    );
    const expected = createHash("sha256").update("sk_live_rotation_value").digest("hex");
    const bad = ended.filter((e) => e.status !== "success" || (e.result as { sha256: string }).sha256 !== expected);
    expect(bad.map((e) => `${e.status} ${e.error}`)).toEqual([]);
    expect((await runCli(["keys", "status"], { env })).stdout).toContain("BIFROST_SECRET_KEY_PREVIOUS can be removed");
    console.log(
      `rotation under load: ${ended.length} executions, each decrypting 152 secrets, 0 failed; ${rotation.stdout.trim()}`,
    );
  }, 180_000);
});
