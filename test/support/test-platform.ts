import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger } from "../../src/logging/logger.ts";
import { openPlatform, type Platform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { startServer, type RunningServer } from "../../src/platform/server.ts";
import { startWorker, type RunningWorker } from "../../workers/start-worker.ts";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

export const TEST_SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnop";

export interface TestPlatform {
  platform: Platform;
  db: TestDatabase;
  url: string;
  adminToken: string;
  /** Everything the server logged so far (JSON lines). */
  logs(): string;
  logFile: string;
  /** A token for `orgName`, creating the org when needed. */
  orgToken(orgName: string): Promise<string>;
  api(token: string | null): Api;
  env(extra?: Record<string, string>): Record<string, string>;
  /** The API's execution service (for waiting on executions without polling HTTP). */
  server: RunningServer;
  /** The in-process worker, when started with `worker: true` (or set later; `close` stops it). */
  worker?: RunningWorker;
  /** This platform's BullMQ prefix: every Redis key it makes starts with it. */
  queuePrefix: string;
  /** Every Redis key (and its contents, streams included) under this platform's prefix, as text. */
  redisDump(): Promise<string>;
  close(): Promise<void>;
}

export const TEST_REDIS_URL = process.env.BIFROST_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const FIXTURE_WORKFLOWS = fileURLToPath(new URL("../fixtures/workflows/", import.meta.url));

export interface TestPlatformOptions {
  secretKey?: string;
  db?: TestDatabase;
  /** Run a worker in the API's process, as `bifrost start` does. */
  worker?: boolean;
  /** Default: test/fixtures/workflows. */
  workflowsDir?: string;
  /** BIFROST_WORKER_LOCK_MS: how soon a killed worker's runs are noticed. */
  workerLockMs?: number;
  authFailuresPerMinute?: number;
  /** BIFROST_SECRET_KEY_PREVIOUS. */
  previousSecretKeys?: string;
  /** BIFROST_WORKFLOWS_WATCH_MS: how often the workflow files are checked for changes (default: never). */
  workflowsWatchMs?: number;
  /** More environment for the platform (and `env()`, so its CLI and worker processes), e.g. BIFROST_SCHEDULE_MIN_INTERVAL_S. */
  env?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse>;

/** The real platform (real database of the provider under test) serving HTTP on a free port. */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const db = options.db ?? (await createTestDatabase());
  const logFile = join(db.dir, "server.log");
  writeFileSync(logFile, "");
  const destination = new Writable({
    write(chunk, _encoding, done) {
      appendFileSync(logFile, chunk);
      done();
    },
  });
  const queuePrefix = `bifrost-test-${randomBytes(4).toString("hex")}`;
  const envVars = {
    BIFROST_HOME: join(db.dir, "home"),
    DATABASE_URL: db.url,
    BIFROST_SECRET_KEY: options.secretKey ?? TEST_SECRET_KEY,
    ...(options.previousSecretKeys ? { BIFROST_SECRET_KEY_PREVIOUS: options.previousSecretKeys } : {}),
    REDIS_URL: TEST_REDIS_URL,
    BIFROST_QUEUE_PREFIX: queuePrefix,
    BIFROST_WORKFLOWS_DIR: options.workflowsDir ?? FIXTURE_WORKFLOWS,
    BIFROST_WORKER_LOCK_MS: String(options.workerLockMs ?? 30_000),
    BIFROST_WORKFLOWS_WATCH_MS: String(options.workflowsWatchMs ?? 0),
    // The suites send many deliberately bad tokens from one address; the limit has its own test.
    BIFROST_AUTH_FAILURES_PER_MINUTE: String(options.authFailuresPerMinute ?? 100_000),
    ...options.env,
  };
  const settings = loadSettings({ ...envVars, LOG_LEVEL: "debug", PORT: "0" });
  const platform = await openPlatform({ settings, logger: createLogger({ level: "debug", destination }) });
  const server = await startServer(platform, 0);
  const worker = options.worker ? await startWorker(platform, { catalog: server.catalog }) : undefined;
  const admin = await platform.tokens.create({ role: "admin" }, "test-admin", "test");

  const api =
    (token: string | null): Api =>
    async (method, path, body, headers = {}) => {
      const response = await fetch(server.url + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, text };
    };

  const testPlatform: TestPlatform = {
    platform,
    db,
    url: server.url,
    adminToken: admin.token,
    logFile,
    logs: () => readFileSync(logFile, "utf8"),
    async orgToken(orgName) {
      const org = (await platform.orgs.find(orgName)) ?? (await platform.orgs.create(orgName, "test"));
      return (await platform.tokens.create({ role: "org", org }, `${orgName}-test`, "test")).token;
    },
    api,
    env: (extra = {}) => ({ ...envVars, BIFROST_URL: server.url, BIFROST_TOKEN: admin.token, ...extra }),
    server,
    worker,
    queuePrefix,
    redisDump: () => dumpRedis(queuePrefix),
    async close() {
      await testPlatform.worker?.close();
      await server.close();
      await deleteRedisKeys(queuePrefix);
      await platform.close();
      if (!options.db) await db.drop();
    },
  };
  return testPlatform;
}

async function withRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) keys.push(...(batch as string[]));
  return keys;
}

/** Reads every key under `prefix` by its type (strings, hashes, lists, sets, sorted sets, streams). */
export function dumpRedis(prefix: string): Promise<string> {
  return withRedis(async (redis) => {
    const parts: string[] = [];
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      const read: Record<string, () => Promise<unknown>> = {
        string: () => redis.get(key),
        hash: () => redis.hgetall(key),
        list: () => redis.lrange(key, 0, -1),
        set: () => redis.smembers(key),
        zset: () => redis.zrange(key, 0, -1, "WITHSCORES"),
        stream: () => redis.xrange(key, "-", "+"),
      };
      parts.push(`${key} ${type} ${JSON.stringify(await (read[type] ?? (async () => null))())}`);
    }
    return parts.join("\n");
  });
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  await withRedis(async (redis) => {
    const keys = await keysUnder(redis, prefix);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  });
}
