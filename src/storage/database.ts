import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient as SqliteClient } from "./generated/sqlite/client.ts";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.ts";
import { isSqliteUrl } from "./database-url.ts";
import { isBusyError } from "./database-errors.ts";
import { WriteLock, openPgDirect, openSqliteDirect, type DirectSql } from "./direct-sql.ts";
import { GroupCommit } from "./group-commit.ts";
import { openPgPool } from "./pg-pool.ts";

/**
 * Both generated clients have the same model API (they come from one schema), so the platform
 * codes against one type. Provider-specific SQL, where needed, checks `Database.provider`.
 */
export type PrismaClient = SqliteClient;
export type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type Provider = "sqlite" | "postgresql";

/**
 * SQL fragments for `$queryRaw`/`$executeRaw` on either database: Prisma writes the placeholders
 * (`?` or `$1`) and converts the values (dates, booleans) as it does for its own queries.
 */
export const { sql, join } = Prisma;

export interface Database {
  readonly prisma: PrismaClient;
  /** The same database through its driver, for the hot paths (see DirectSql). */
  readonly direct: DirectSql;
  /**
   * Execution bookkeeping's writes, batched (GroupCommit) and not waiting for the disk: a power
   * loss may undo the last moment's bookkeeping, like the jobs it describes (Redis); the sweeper
   * and the stalled-job check already handle both. On PostgreSQL the reads a worker makes while
   * it claims a run ride along (`bookkeeping.query`).
   */
  readonly bookkeeping: GroupCommit;
  readonly provider: Provider;
  /** The URL without its password, safe to print. */
  readonly displayUrl: string;
  /**
   * A transaction that will write. Use it instead of `prisma.$transaction` for read-then-write
   * work: on SQLite it takes the write lock first, so a concurrent writer in another process
   * makes it wait (busy_timeout) instead of failing with SQLITE_BUSY when it upgrades later.
   */
  write<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// An UPDATE that matches nothing still takes SQLite's write lock, like BEGIN IMMEDIATE (which
// Prisma's adapter does not offer). The table exists from the first migration on.
const TAKE_SQLITE_WRITE_LOCK = `UPDATE "system_settings" SET "key" = "key" WHERE 0`;
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export async function openDatabase(url: string): Promise<Database> {
  if (isSqliteUrl(url)) {
    const path = url.slice("file:".length);
    mkdirSync(dirname(path), { recursive: true });
    const prisma = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }) });
    // WAL lets readers run beside the one writer (API + workers in one file); busy_timeout makes a
    // second process wait for the write lock instead of failing with SQLITE_BUSY.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
    const lock = new WriteLock();
    const direct = openSqliteDirect(path, lock, retryWhileBusy);
    return {
      prisma,
      direct,
      bookkeeping: new GroupCommit(direct, { waitForDisk: false }),
      provider: "sqlite",
      displayUrl: url,
      write: (fn) =>
        lock.run(() =>
          retryWhileBusy(() =>
            prisma.$transaction(async (tx) => {
              await tx.$executeRawUnsafe(TAKE_SQLITE_WRITE_LOCK);
              return fn(tx);
            }, TRANSACTION_OPTIONS),
          ),
        ),
      close: async () => {
        await direct.close();
        await prisma.$disconnect();
      },
    };
  }
  // One pool for Prisma and the direct statements.
  const pool = openPgPool(url);
  const prisma = new PostgresClient({ adapter: new PrismaPg(pool) }) as unknown as PrismaClient;
  const direct = openPgDirect(pool);
  return {
    prisma,
    direct,
    // Several batches in flight keep the server busy while each waits for its round trip.
    bookkeeping: new GroupCommit(direct, { waitForDisk: false, lanes: 4, readsAlong: true }),
    provider: "postgresql",
    displayUrl: redactPassword(url),
    write: (fn) => prisma.$transaction(fn, TRANSACTION_OPTIONS),
    close: async () => {
      await prisma.$disconnect();
      // Closing twice is harmless, as Prisma's $disconnect is.
      if (!pool.ended) await pool.end();
    },
  };
}

const BUSY_RETRY_UNTIL_MS = 15_000;

/**
 * Runs a SQLite write transaction again while another process holds the file's write lock in a
 * way busy_timeout cannot wait out (SQLITE_BUSY_SNAPSHOT: a WAL snapshot went stale; or a lock
 * upgrade SQLite refuses to wait for, to avoid a deadlock). The failed attempt was rolled back
 * whole, so running it again is safe.
 */
async function retryWhileBusy<T>(run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_UNTIL_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isBusyError(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 50) * (0.5 + Math.random())));
    }
  }
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgresql://(unparseable url)";
  }
}
