import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createLogger } from "../../src/logging/logger.ts";
import { openPlatform, type Platform } from "../../src/platform/platform.ts";
import { loadSettings } from "../../src/platform/settings.ts";
import { startServer } from "../../src/platform/server.ts";
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
  close(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

export type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse>;

/** The real platform (real database of the provider under test) serving HTTP on a free port. */
export async function startTestPlatform(options: { secretKey?: string; db?: TestDatabase } = {}): Promise<TestPlatform> {
  const db = options.db ?? (await createTestDatabase());
  const logFile = join(db.dir, "server.log");
  writeFileSync(logFile, "");
  const destination = new Writable({
    write(chunk, _encoding, done) {
      appendFileSync(logFile, chunk);
      done();
    },
  });
  const envVars = { BIFROST_HOME: join(db.dir, "home"), DATABASE_URL: db.url, BIFROST_SECRET_KEY: options.secretKey ?? TEST_SECRET_KEY };
  const settings = loadSettings({ ...envVars, LOG_LEVEL: "debug", PORT: "0" });
  const platform = await openPlatform({ settings, logger: createLogger({ level: "debug", destination }) });
  const server = await startServer(platform, 0);
  const admin = await platform.tokens.create({ role: "admin" }, "test-admin", "test");

  const api = (token: string | null): Api => async (method, path, body, headers = {}) => {
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
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, text };
  };

  return {
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
    async close() {
      await server.close();
      await platform.close();
      if (!options.db) await db.drop();
    },
  };
}
