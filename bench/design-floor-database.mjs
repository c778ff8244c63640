// The design floor's storage (bench/design-floor.ts): its four statements on the bare driver,
// prepared once, with the commit settings the platform uses for execution bookkeeping (no wait
// for the disk). Tables with a primary key only: the platform's `executions` has more indexes to
// keep, so the floor is, if anything, lower than any real design's.
import Database from "better-sqlite3";
import pg from "pg";

const STATEMENTS = {
  insertToken: `INSERT INTO "bench_floor_tokens" ("hash", "role") VALUES ($1, 'admin')`,
  lookup: 'SELECT "role", "revokedAt" FROM "bench_floor_tokens" WHERE "hash" = $1',
  insert: `INSERT INTO "bench_floor_runs" ("id", "status") VALUES ($1, 'queued')`,
  claim: `UPDATE "bench_floor_runs" SET "status" = 'running' WHERE "id" = $1 AND "status" = 'queued'`,
  finish: `UPDATE "bench_floor_runs" SET "status" = 'succeeded', "result" = $1 WHERE "id" = $2`,
};

const FLOOR_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS "bench_floor_tokens" ("hash" TEXT PRIMARY KEY, "role" TEXT NOT NULL, "revokedAt" TEXT)',
  'CREATE TABLE IF NOT EXISTS "bench_floor_runs" ("id" TEXT PRIMARY KEY, "status" TEXT NOT NULL, "result" TEXT)',
];

/**
 * `run(name, ...values)` gives the rows changed, `get(name, ...values)` the first row or undefined.
 * @param url a `file:` path (SQLite) or a PostgreSQL URL
 */
export async function openFloorDatabase(url) {
  if (url.startsWith("file:")) {
    const connection = new Database(url.slice("file:".length));
    connection.pragma("journal_mode = WAL");
    connection.pragma("synchronous = NORMAL");
    connection.pragma("busy_timeout = 5000");
    for (const text of FLOOR_SCHEMA) connection.exec(text);
    const prepared = Object.fromEntries(
      Object.entries(STATEMENTS).map(([name, text]) => [name, connection.prepare(text.replace(/\$\d/g, "?"))]),
    );
    return {
      run: async (name, ...values) => prepared[name].run(...values).changes,
      get: async (name, ...values) => prepared[name].get(...values),
      close: async () => connection.close(),
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, options: "-c synchronous_commit=off" });
  for (const text of FLOOR_SCHEMA) await pool.query(text);
  return {
    run: async (name, ...values) =>
      (await pool.query({ name: `floor_${name}`, text: STATEMENTS[name], values })).rowCount,
    get: async (name, ...values) =>
      (await pool.query({ name: `floor_${name}`, text: STATEMENTS[name], values })).rows[0],
    close: () => pool.end(),
  };
}
