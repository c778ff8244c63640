import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type TestProvider = "sqlite" | "postgresql";

export function testProvider(): TestProvider {
  const provider = process.env.BIFROST_TEST_DB ?? "sqlite";
  if (provider !== "sqlite" && provider !== "postgresql")
    throw new Error(`BIFROST_TEST_DB must be sqlite or postgresql, not ${provider}`);
  return provider;
}

/** The server tests create their databases on (trust auth, as ../shared/ENVIRONMENT.md describes). */
export const POSTGRES_ADMIN_URL = process.env.BIFROST_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  provider: TestProvider;
  url: string;
  /** A directory of its own (SQLite file, secret key file, logs). */
  dir: string;
  /** SQLite only: the database file. */
  file?: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of the provider under test, owned by one test file. */
export async function createTestDatabase(provider = testProvider()): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-test-"));
  if (provider === "sqlite") {
    const file = join(dir, "bifrost.db");
    return {
      provider,
      url: `file:${file}`,
      dir,
      file,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `bifrost_test_${randomBytes(6).toString("hex")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    provider,
    url: url.toString(),
    dir,
    drop: async () => {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Every row of every table as text, for tests that search the data at rest for a plaintext, or
 * check that a request changed nothing. Reads through the raw driver, not Prisma, so nothing the
 * platform does can hide a row. Leaves out `api_tokens.lastUsedAt` (a timestamp): any request,
 * a read too, may move it (at most once a minute per token), which is no change a request made.
 */
export async function dumpAllTables(db: TestDatabase): Promise<string> {
  if (db.provider === "sqlite") {
    const { default: Sqlite } = await import("better-sqlite3");
    const conn = new Sqlite(db.file!, { readonly: true });
    try {
      const tables = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      return tables
        .map((t) =>
          JSON.stringify(
            withoutLastUse(t.name, conn.prepare(`SELECT * FROM "${t.name}"`).all() as Record<string, unknown>[]),
          ),
        )
        .join("\n");
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    const parts: string[] = [];
    for (const t of tables)
      parts.push(
        JSON.stringify(withoutLastUse(t.tablename, (await client.query(`SELECT * FROM "${t.tablename}"`)).rows)),
      );
    return parts.join("\n");
  } finally {
    await client.end();
  }
}

function withoutLastUse(table: string, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return table === "api_tokens" ? rows.map(({ lastUsedAt: _moves, ...row }) => row) : rows;
}
