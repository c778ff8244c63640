import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../src/executions/execution-store.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { openDatabase, sql, type Database } from "../../src/storage/database.ts";
import { GroupCommit } from "../../src/storage/group-commit.ts";
import { migrate } from "../../src/storage/migrator.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";

// Group commit on the real database: writes of one moment share a transaction, keep their own
// results, and one failing write does not take the others with it.

let testDb: TestDatabase;
let db: Database;
let transactions = 0;
beforeAll(async () => {
  testDb = await createTestDatabase();
  const real = await openDatabase(testDb.url);
  await migrate(real);
  // The real database, with its direct (driver) transactions counted.
  db = { ...real, direct: { ...real.direct, batch: (statements, options) => (transactions++, real.direct.batch(statements, options)) }, close: () => real.close() };
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

const insertExecution = (id: string) =>
  sql`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "createdBy") VALUES (${id}, 'w', 'global', 'pending', '{}', 'test')`;

describe("GroupCommit", () => {
  it("writes asked for together share transactions and each gets its own result", async () => {
    const commits = new GroupCommit(db.direct);
    const ids = Array.from({ length: 50 }, () => randomUUID());
    transactions = 0;
    const results = await Promise.all(ids.map((id) => commits.write(insertExecution(id)).then(({ count }) => (count === 1 ? id : "not inserted"))));
    expect(results).toEqual(ids);
    expect(transactions).toBeLessThan(5);
    expect(await db.prisma.execution.count({ where: { id: { in: ids } } })).toBe(50);
  });

  it("a write that fails fails alone: the others of its batch land", async () => {
    const commits = new GroupCommit(db.direct);
    const taken = randomUUID();
    await commits.write(insertExecution(taken));
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const outcomes = await Promise.allSettled([...ids.slice(0, 5), taken, ...ids.slice(5)].map((id) => commits.write(insertExecution(id))));
    expect(outcomes.map((o) => o.status)).toEqual([...Array(5).fill("fulfilled"), "rejected", ...Array(5).fill("fulfilled")]);
    expect(await db.prisma.execution.count({ where: { id: { in: ids } } })).toBe(10);
  });

  it("keeps the state machine's guarantee inside one batch: two claims of one run, one winner", async () => {
    const store = new ExecutionStore(db);
    const row = await store.create({ id: randomUUID(), workflow: "w", scope: GLOBAL_SCOPE, params: {}, createdBy: "test", hasUserConfig: false });
    const claims = await Promise.all([store.claimPending(row.id), store.claimPending(row.id), store.claimPending(row.id)]);
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const claimed = claims.find((c) => c !== null)!;
    expect(claimed).toMatchObject({ id: row.id, status: "running", attempts: 1 });
    expect(claimed.startedAt).toBeInstanceOf(Date);
    expect(await store.find(row.id)).toEqual(claimed);
  });
});
