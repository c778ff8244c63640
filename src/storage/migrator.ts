import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MigrationError } from "../errors/index.ts";
import type { Database, Provider, Transaction } from "./database.ts";

const MIGRATIONS_ROOT = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

// Prisma's own bookkeeping table, so that `prisma migrate deploy` (on a machine that can run it)
// sees these migrations as applied and agrees with us.
const LEDGER_DDL: Record<Provider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};

// Any constant works; Prisma uses this one for the same purpose, so the two never migrate at once.
const ADVISORY_LOCK_ID = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(provider: Provider, root = MIGRATIONS_ROOT): Migration[] {
  const dir = join(root, provider);
  if (!existsSync(dir)) throw new MigrationError(`No migrations for ${provider} in ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies the pending migrations in order, each in its own transaction together with its ledger
 * row, so a failed migration leaves nothing half-applied. Safe to run from several processes at
 * once: PostgreSQL takes an advisory lock, SQLite's write lock serializes the transactions.
 * Returns the names it applied.
 */
export async function migrate(db: Database, migrations = listMigrations(db.provider)): Promise<string[]> {
  const { prisma, provider } = db;
  if (provider === "sqlite") await prisma.$executeRawUnsafe(LEDGER_DDL.sqlite);
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await prisma.$transaction(
      async (tx) => {
        if (provider === "postgresql") {
          // Concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL: create the ledger under the lock.
          await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_ID})`);
          await tx.$executeRawUnsafe(LEDGER_DDL.postgresql);
        } else {
          await tx.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET id = id WHERE 0`); // take the write lock now (see Database.write)
        }
        const rows = await tx.$queryRaw<{ checksum: string }[]>`
          SELECT checksum FROM "_prisma_migrations"
          WHERE migration_name = ${migration.name} AND rolled_back_at IS NULL AND finished_at IS NOT NULL`;
        if (rows.length > 0) {
          if (rows[0].checksum !== migration.checksum) {
            throw new MigrationError(
              `Migration ${migration.name} was changed after it was applied (checksum differs): restore the file or write a new migration`,
            );
          }
          return false;
        }
        await applyStatements(tx, migration);
        await tx.$executeRaw`
          INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
          VALUES (${randomUUID()}, ${migration.checksum}, ${migration.name}, CURRENT_TIMESTAMP, 1)`;
        return true;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
    if (didApply) applied.push(migration.name);
  }
  return applied;
}

async function applyStatements(tx: Transaction, migration: Migration): Promise<void> {
  // Prisma's drivers run one statement per call. Generated migrations contain no procedural
  // bodies, so a `;` at the end of a line always ends a statement.
  const statements = migration.sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter(Boolean);
  for (const [index, statement] of statements.entries()) {
    try {
      await tx.$executeRawUnsafe(statement);
    } catch (error) {
      throw new MigrationError(
        `Migration ${migration.name} failed at statement ${index + 1}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
