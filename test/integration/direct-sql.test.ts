import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../src/executions/execution-store.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import pg from "pg";
import { openDatabase, sql, type Database } from "../../src/storage/database.ts";
import { openPgDirect } from "../../src/storage/direct-sql.ts";
import { migrate } from "../../src/storage/migrator.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";

// Statements on the driver (DirectSql) beside Prisma, on the real database: values survive the
// way they are sent (on PostgreSQL a batch writes them into the SQL text), rows read back as
// Prisma reads them, and a batch waits for this process's open Prisma write transaction.

let testDb: TestDatabase;
let db: Database;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await openDatabase(testDb.url);
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

const HOSTILE = [
  "it's",
  '\'); DROP TABLE "executions"; --',
  "back\\slash \\' and \\\\ E'\\x41'",
  "$$dollar$$ $tag$ quoted $tag$",
  "line\nbreak\r\ttab",
  "unicode é ü 😀 \u2028",
  "?, $1, :1, %s",
  "",
];

describe("DirectSql", () => {
  it("stores hostile text exactly, in a batch and alone, and reads it back", async () => {
    const insert = (id: string, text: string) =>
      sql`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "error", "createdBy", "createdAt", "hasUserConfig", "attempts") VALUES (${id}, 'w', 'global', 'pending', ${JSON.stringify({ text })}, ${text}, 'test', ${new Date()}, ${true}, ${-1})`;
    const ids = HOSTILE.map(() => randomUUID());
    const results = await db.direct.batch(HOSTILE.map((text, i) => insert(ids[i], text)));
    expect(results.map((r) => r.count)).toEqual(HOSTILE.map(() => 1));
    for (const [i, text] of HOSTILE.entries()) {
      const [row] = await db.direct.query<{ params: string; error: string }>(
        sql`SELECT "params", "error" FROM "executions" WHERE "id" = ${ids[i]}`,
      );
      expect(row.error).toBe(text);
      expect(JSON.parse(row.params)).toEqual({ text });
    }
    expect(await db.prisma.execution.count()).toBe(HOSTILE.length);
  });

  it("stores any string a workflow could return exactly (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\u0000")),
        async (text) => {
          const id = randomUUID();
          await db.direct.batch([
            sql`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "createdBy") VALUES (${id}, 'w', 'global', 'pending', '{}', 'test')`,
            sql`UPDATE "executions" SET "result" = ${text} WHERE "id" = ${id}`,
          ]);
          const [row] = await db.direct.query<{ result: string }>(
            sql`SELECT "result" FROM "executions" WHERE "id" = ${id}`,
          );
          expect(row.result).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives rows as Prisma does: dates as Date, booleans as boolean, integers as numbers", async () => {
    const store = new ExecutionStore(db);
    const created = await store.create({
      id: randomUUID(),
      workflow: "w",
      scope: GLOBAL_SCOPE,
      params: { a: 1 },
      createdBy: "test",
      hasUserConfig: true,
    });
    const direct = await store.find(created.id);
    const viaPrisma = await db.prisma.execution.findUnique({ where: { id: created.id } });
    expect(direct).toEqual(viaPrisma);
    expect(direct!.createdAt).toBeInstanceOf(Date);
    expect(direct!.createdAt.getTime()).toBe(created.createdAt.getTime());
    expect(direct!.hasUserConfig).toBe(true);
    expect(direct!.attempts).toBe(0);
  });

  it("a failing statement undoes its whole batch", async () => {
    const id = randomUUID();
    const insert = sql`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "createdBy") VALUES (${id}, 'w', 'global', 'pending', '{}', 'test')`;
    await expect(db.direct.batch([insert, insert])).rejects.toThrow();
    expect(await db.direct.query(sql`SELECT "id" FROM "executions" WHERE "id" = ${id}`)).toEqual([]);
  });

  it.runIf(process.env.BIFROST_TEST_DB === "postgresql")(
    "runs a batch's statements by plans prepared once per connection; one PostgreSQL cannot prepare is written in whole",
    async () => {
      // Read on the connection the batch runs on: the read is a statement of the batch.
      const preparedHere = sql`SELECT "statement" FROM pg_prepared_statements WHERE "name" LIKE 'bifrost_%'`;
      const id = randomUUID();
      const claim = sql`UPDATE "executions" SET "attempts" = "attempts" + 1 WHERE "id" = ${id} RETURNING "attempts"`;
      await db.direct.batch([
        sql`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "createdBy") VALUES (${id}, 'w', 'global', 'pending', '{}', 'test')`,
      ]);
      for (let i = 1; i <= 3; i++) {
        const [claimed, prepared] = await db.direct.batch([claim, preparedHere]);
        expect(claimed.rows).toEqual([{ attempts: i }]);
        expect(prepared.rows.map((r) => r.statement)).toEqual(
          expect.arrayContaining([
            expect.stringContaining('UPDATE "executions" SET "attempts" = "attempts" + 1 WHERE "id" = $1'),
          ]),
        );
      }
      const [read] = await db.direct.query<{ names: string[] }>(
        sql`SELECT array_agg("name") AS "names" FROM pg_prepared_statements`,
      );
      expect(read!.names).toEqual(expect.arrayContaining([expect.stringMatching(/^bifrost_read_\d+$/)]));
      // PREPARE cannot type `$1 + $2` ("operator is not unique"): the statement runs with its values written in.
      for (let i = 0; i < 2; i++) {
        const [untyped, prepared] = await db.direct.batch([sql`SELECT ${1} + ${2} AS "v"`, preparedHere]);
        expect(untyped.rows).toEqual([{ v: 3 }]);
        expect(prepared.rows.map((r) => r.statement)).not.toEqual(
          expect.arrayContaining([expect.stringContaining("SELECT $1 + $2")]),
        );
      }
    },
  );

  it.runIf(process.env.BIFROST_TEST_DB === "postgresql")(
    "runs a prepared statement again after a migration changed the rows it returns",
    async () => {
      await db.prisma.$executeRawUnsafe(`CREATE TABLE "prepared_probe" ("id" TEXT PRIMARY KEY, "n" INTEGER NOT NULL)`);
      await db.direct.batch([sql`INSERT INTO "prepared_probe" ("id", "n") VALUES (${"a"}, ${0})`]);
      const bump = sql`UPDATE "prepared_probe" SET "n" = "n" + 1 WHERE "id" = ${"a"} RETURNING *`;
      // On every pooled connection a batch may take: several at once.
      for (const results of await Promise.all(Array.from({ length: 4 }, () => db.direct.batch([bump]))))
        expect(results[0].count).toBe(1);
      await db.prisma.$executeRawUnsafe(`ALTER TABLE "prepared_probe" ADD COLUMN "added" TEXT`);

      const after = await Promise.all(Array.from({ length: 4 }, () => db.direct.batch([bump])));
      expect(after.map(([r]) => Object.keys(r.rows[0]!).sort())).toEqual(after.map(() => ["added", "id", "n"]));
      expect(await db.direct.query(sql`SELECT "n" FROM "prepared_probe"`)).toEqual([{ n: 8 }]);
      // Reads are prepared per connection too (by pg, by name): the same after another column.
      const read = () =>
        db.direct.query<Record<string, unknown>>(sql`SELECT * FROM "prepared_probe" WHERE "id" = ${"a"}`);
      await Promise.all(Array.from({ length: 4 }, read));
      await db.prisma.$executeRawUnsafe(`ALTER TABLE "prepared_probe" ADD COLUMN "again" TEXT`);
      for (const [row] of await Promise.all(Array.from({ length: 4 }, read)))
        expect(Object.keys(row!).sort()).toEqual(["added", "again", "id", "n"]);
    },
  );

  it.runIf(process.env.BIFROST_TEST_DB === "postgresql")(
    "a connection lost during a batch fails that batch, not the process",
    async () => {
      const pool = new pg.Pool({ connectionString: testDb.url });
      pool.on("error", () => {});
      let taken: (pg.PoolClient & { connection: { stream: { destroy(error: Error): void } } }) | undefined;
      pool.on("acquire", (client) => (taken = client as typeof taken));
      const direct = openPgDirect(pool);
      try {
        const slow = direct.batch([sql`SELECT pg_sleep(${1}::float8) AS "slept"`]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // What a network reset does to the socket; an 'error' event nobody heard would end the test run.
        taken!.connection.stream.destroy(new Error("read ECONNRESET (simulated)"));
        await expect(slow).rejects.toThrow();
        const [after] = await direct.batch([sql`SELECT 1 AS "one"`]);
        expect(after.rows).toEqual([{ one: 1 }]);
      } finally {
        await pool.end();
      }
    },
  );

  it("a batch waits for this process's open Prisma write transaction instead of deadlocking", async () => {
    const id = randomUUID();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    // A Prisma write transaction that holds the write lock across an await.
    const transaction = db.write(async (tx) => {
      await tx.$executeRaw`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "createdBy") VALUES (${id}, 'w', 'global', 'pending', '{}', 'test')`;
      await held;
      order.push("transaction");
    });
    // Asked for while the transaction holds the lock (it has written and is awaiting).
    await new Promise((resolve) => setTimeout(resolve, 30));
    const batch = db.direct
      .batch([sql`UPDATE "executions" SET "attempts" = 7 WHERE "id" = ${id}`])
      .then(([result]) => (order.push("batch"), result.count));
    await new Promise((resolve) => setTimeout(resolve, 30));
    release();
    await transaction;
    const count = await batch;
    if (db.provider === "sqlite") {
      // One writer per file: the batch ran once the transaction had committed, and saw its row.
      expect(order).toEqual(["transaction", "batch"]);
      expect(count).toBe(1);
    } else {
      // PostgreSQL writers run side by side: the batch did not see the uncommitted row.
      expect(order).toEqual(["batch", "transaction"]);
      expect(count).toBe(0);
    }
  });
});
