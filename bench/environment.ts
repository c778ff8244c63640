import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { createLogger } from "../src/logging/logger.ts";
import { openPlatform, type Platform } from "../src/platform/platform.ts";
import { startServer, type RunningServer } from "../src/platform/server.ts";
import { loadSettings } from "../src/platform/settings.ts";

export type Provider = "sqlite" | "postgresql";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const POSTGRES_URL = process.env.BIFROST_BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const BIN = fileURLToPath(new URL("../bin/bifrost.mjs", import.meta.url));
const WORKFLOWS = fileURLToPath(new URL("./workflows/", import.meta.url));
const KEY = "bench-secret-key-0123456789-0123456789-0123";

/** A platform (API in this process) on a fresh database of `provider`, plus worker processes on demand. */
export interface BenchEnvironment {
  provider: Provider;
  platform: Platform;
  server: RunningServer;
  adminToken: string;
  env: Record<string, string>;
  /** `nodeArgs` go to node itself (e.g. `--cpu-prof`); `extraEnv` to the workers' environment. */
  startWorkers(
    count: number,
    concurrency: number,
    nodeArgs?: string[],
    extraEnv?: Record<string, string>,
  ): Promise<ChildProcess[]>;
  close(): Promise<void>;
}

/** `extraEnv`: settings for this platform and its workers (e.g. BIFROST_EXECUTION_RETENTION_DAYS). */
export async function benchEnvironment(
  provider: Provider,
  extraEnv: Record<string, string> = {},
): Promise<BenchEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-bench-"));
  let databaseUrl = `file:${join(dir, "bifrost.db")}`;
  let dropDatabase = async () => {};
  if (provider === "postgresql") {
    const name = `bifrost_bench_${randomBytes(4).toString("hex")}`;
    await withPg((c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () => withPg((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  }
  const prefix = `bifrost-bench-${randomBytes(3).toString("hex")}`;
  const env = {
    BIFROST_HOME: join(dir, "home"),
    DATABASE_URL: databaseUrl,
    BIFROST_SECRET_KEY: KEY,
    REDIS_URL,
    BIFROST_QUEUE_PREFIX: prefix,
    BIFROST_WORKFLOWS_DIR: WORKFLOWS,
    LOG_LEVEL: "warn",
    ...extraEnv,
  };
  const platform = await openPlatform({
    settings: loadSettings({ ...env, PORT: "0" }),
    logger: createLogger({ level: "warn" }),
  });
  const server = await startServer(platform, 0);
  const { token } = await platform.tokens.create({ role: "admin" }, "bench", "bench");
  const workers: ChildProcess[] = [];

  return {
    provider,
    platform,
    server,
    adminToken: token,
    env,
    async startWorkers(count, concurrency, nodeArgs = [], extraEnv = {}) {
      const started = await Promise.all(
        Array.from({ length: count }, () =>
          spawnUntilReady([...nodeArgs, BIN, "worker", "--concurrency", String(concurrency)], {
            ready: "taking executions",
            env: { ...env, LOG_LEVEL: "info", ...extraEnv },
          }).then((child) => {
            workers.push(child); // close() ends it, even when another failed to start
            return child;
          }),
        ),
      );
      return started;
    },
    async close() {
      for (const w of workers) w.kill("SIGKILL");
      await server.close();
      await platform.close();
      await deleteKeys(prefix);
      await dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A process of this Node running `args` (a script and its arguments), once its output says `ready`. */
export async function spawnUntilReady(
  args: string[],
  { ready = "ready", env = {} }: { ready?: string; env?: Record<string, string> } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, REDIS_URL, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    // Read on after it is ready: a pipe nobody reads would stop the child once full.
    child.stdout!.on("data", (d: Buffer) => {
      if (out.includes(ready)) return;
      out += d.toString();
      if (out.includes(ready)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}) before it was ready:\n${out}`)));
  });
  return child;
}

/**
 * SIGTERM lets a worker finish its runs and write what it was asked to (a CPU profile). A worker
 * that has exited (by a signal too: its exitCode is then null) is not waited for again.
 */
export async function stopWorkers(workers: ChildProcess[], signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) =>
          w.exitCode !== null || w.signalCode !== null ? resolve() : (w.once("exit", () => resolve()), w.kill(signal)),
        ),
    ),
  );
}

async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
      keys.push(...(batch as string[]));
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}
