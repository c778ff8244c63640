import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/storage/database.ts";
import { listMigrations, migrate } from "../../src/storage/migrator.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";

const run = promisify(execFile);

let opened: { db: TestDatabase; conns: Database[] } | null = null;
afterEach(async () => {
  if (!opened) return;
  for (const conn of opened.conns) await conn.close();
  await opened.db.drop();
  opened = null;
});

async function fresh(connections = 1): Promise<Database[]> {
  const db = await createTestDatabase();
  const conns = [];
  for (let i = 0; i < connections; i++) conns.push(await openDatabase(db.url));
  opened = { db, conns };
  return conns;
}

describe("migrations", () => {
  it("applies every migration once and records it in Prisma's ledger", async () => {
    const [db] = await fresh();
    const all = listMigrations(db.provider).map((m) => m.name);
    expect(await migrate(db)).toEqual(all);
    expect(await migrate(db)).toEqual([]);
    const ledger = await db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"`,
    );
    expect(ledger.map((r) => r.migration_name)).toEqual(all);
    expect(ledger[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.prisma.config.count()).toBe(0);
  });

  it("is safe when several processes start at once", async () => {
    const [db] = await fresh();
    const env = { ...process.env, DATABASE_URL: opened!.db.url, BIFROST_HOME: opened!.db.dir };
    const runs = await Promise.all([1, 2, 3].map(() => run(process.execPath, ["bin/bifrost.mjs", "migrate"], { env })));
    // Each migration is its own transaction: the processes may share the work, but every
    // migration is applied by exactly one of them (execFile rejects on a non-zero exit).
    const applied = runs.flatMap((r) => {
      const line = r.stdout.trim();
      return line === "database is up to date" ? [] : line.replace(/^applied: /, "").split(", ");
    });
    expect(applied.sort()).toEqual(listMigrations(db.provider).map((m) => m.name));
    expect(await migrate(db)).toEqual([]);
    const ledger = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(ledger).toHaveLength(applied.length);
  }, 60_000);

  it("refuses to go on when an applied migration was edited", async () => {
    const [db] = await fresh();
    await migrate(db);
    const edited = listMigrations(db.provider).map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(db, edited)).rejects.toMatchObject({
      code: "MIGRATION_ERROR",
      message: expect.stringMatching(/changed after it was applied/),
    });
  });

  it("rolls a failing migration back whole", async () => {
    const [db] = await fresh();
    await migrate(db);
    const broken = {
      name: "99999999999999_broken",
      checksum: "f".repeat(64),
      sql: `CREATE TABLE "half_done" ("id" INTEGER);\nTHIS IS NOT SQL;`,
    };
    await expect(migrate(db, [...listMigrations(db.provider), broken])).rejects.toMatchObject({
      message: expect.stringMatching(/broken failed at statement 2/),
    });
    const tables =
      db.provider === "sqlite"
        ? await db.prisma.$queryRawUnsafe<unknown[]>(`SELECT name FROM sqlite_master WHERE name = 'half_done'`)
        : await db.prisma.$queryRawUnsafe<unknown[]>(
            `SELECT tablename::text FROM pg_tables WHERE tablename = 'half_done'`,
          );
    expect(tables).toEqual([]);
  });
});
