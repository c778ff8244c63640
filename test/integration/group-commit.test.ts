import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../src/executions/execution-store.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { openDatabase, sql, type Database } from "../../src/storage/database.ts";
import { GroupCommit } from "../../src/storage/group-commit.ts";
import { migrate } from "../../src/storage/migrator.ts";
import { SharedReads } from "../../src/storage/shared-reads.ts";
import { countedDatabase } from "../support/counted-database.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-database.ts";

// Group commit on the real database: writes of one moment share a transaction, keep their own
// results, and one failing write does not take the others with it.

let testDb: TestDatabase;
let db: Database;
let counts: ReturnType<typeof countedDatabase>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  const real = await openDatabase(testDb.url);
  await migrate(real);
  // The real database, with its direct (driver) transactions and reads counted, bookkeeping's too.
  counts = countedDatabase(real);
  db = counts.db;
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

const insertExecution = (id: string) =>
  sql`INSERT INTO "executions" ("id", "workflow", "scope", "status", "params", "createdBy") VALUES (${id}, 'w', 'global', 'pending', '{}', 'test')`;
const selectExecution = (id: string) => sql`SELECT "id", "status", "createdAt" FROM "executions" WHERE "id" = ${id}`;
/** The row as a read of its own gives it (dates as Date). */
const rowOf = async (id: string) => (await db.direct.query(selectExecution(id)))[0];
const counted = async <T>(fn: () => Promise<T>) => {
  counts.reset();
  const result = await fn();
  return { result, ...counts.trips };
};

describe("GroupCommit", () => {
  it("writes asked for together share transactions and each gets its own result", async () => {
    const commits = new GroupCommit(db.direct);
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const { result: results, transactions } = await counted(() =>
      Promise.all(
        ids.map((id) => commits.write(insertExecution(id)).then(({ count }) => (count === 1 ? id : "not inserted"))),
      ),
    );
    expect(results).toEqual(ids);
    expect(transactions).toBeLessThan(5);
    expect(await db.prisma.execution.count({ where: { id: { in: ids } } })).toBe(50);
  });

  it("under load, writes that arrive one message each (a workflow thread's) share transactions too", async () => {
    const commits = new GroupCommit(db.direct);
    await commits.write(insertExecution(randomUUID())); // busy from here
    const ids = Array.from({ length: 50 }, () => randomUUID());
    // Each message is its own event, and its handler's ticks and microtasks run before the next.
    const { port1, port2 } = new MessageChannel();
    const { result: written, transactions } = await counted(
      () =>
        new Promise<string[]>((resolve) => {
          const writes: Promise<string>[] = [];
          port2.on("message", (id: string) => {
            writes.push(commits.write(insertExecution(id)).then(() => id));
            if (writes.length === ids.length) resolve(Promise.all(writes));
          });
          for (const id of ids) port1.postMessage(id);
        }),
    );
    port1.close();
    expect(written).toEqual(ids);
    expect(transactions).toBeLessThan(10);
  });

  it("a write that fails fails alone: the others of its batch land", async () => {
    const commits = new GroupCommit(db.direct);
    const taken = randomUUID();
    await commits.write(insertExecution(taken));
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      [...ids.slice(0, 5), taken, ...ids.slice(5)].map((id) => commits.write(insertExecution(id))),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      ...Array(5).fill("fulfilled"),
      "rejected",
      ...Array(5).fill("fulfilled"),
    ]);
    expect(await db.prisma.execution.count({ where: { id: { in: ids } } })).toBe(10);
  });

  it("keeps the state machine's guarantee inside one batch: two claims of one run, one winner", async () => {
    const store = new ExecutionStore(db);
    const row = await store.create({
      id: randomUUID(),
      workflow: "w",
      scope: GLOBAL_SCOPE,
      params: {},
      createdBy: "test",
      hasUserConfig: false,
    });
    const { result: claims, transactions } = await counted(() =>
      Promise.all([store.claimPending(row.id), store.claimPending(row.id), store.claimPending(row.id)]),
    );
    expect(transactions).toBe(1);
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    const claimed = claims.find((c) => c !== null)!;
    expect(claimed).toMatchObject({ id: row.id, status: "running", attempts: 1 });
    expect(claimed.startedAt).toBeInstanceOf(Date);
    expect(await store.find(row.id)).toEqual(claimed);
  });

  it("a read asked while writes wait for a batch rides along in it, after them: one round trip for all", async () => {
    const commits = new GroupCommit(db.direct, { readsAlong: true });
    const id = randomUUID();
    const { result, ...trips } = await counted(() =>
      Promise.all([commits.write(insertExecution(id)), commits.query(selectExecution(id))]),
    );
    expect(trips).toEqual({ transactions: 1, reads: 0 });
    // As a read of its own gives it: its columns, dates as Date.
    expect(result[1]).toEqual([await rowOf(id)]);
    expect(result[1][0]).toMatchObject({ id, status: "pending", createdAt: expect.any(Date) });
  });

  it("so does a read set off for the next tick just before the write, as a worker's scope reads before its claim", async () => {
    const commits = new GroupCommit(db.direct, { readsAlong: true });
    const taken = randomUUID();
    await commits.write(insertExecution(taken));
    await new Promise((resolve) => setImmediate(resolve)); // its lane is free again: the system is idle
    const shared = new SharedReads((id: string) => commits.query(selectExecution(id)));
    const id = randomUUID();
    // The worker's order: the scope's reads are asked (SharedReads defers them to the next tick), then the claim is written.
    const { result, ...trips } = await counted(() =>
      Promise.all([shared.get(taken), shared.get(taken), commits.write(insertExecution(id))]),
    );
    expect(trips).toEqual({ transactions: 1, reads: 0 });
    expect(result[0]).toEqual([await rowOf(taken)]);
    expect(result[2].count).toBe(1);
  });

  it("a read with no write waiting, or without readsAlong, runs on its own", async () => {
    const id = randomUUID();
    await db.direct.batch([insertExecution(id)]);
    const along = new GroupCommit(db.direct, { readsAlong: true });
    expect(await counted(() => along.query(selectExecution(id)))).toEqual({
      result: [await rowOf(id)],
      transactions: 0,
      reads: 1,
    });
    const apart = new GroupCommit(db.direct);
    const { result, ...trips } = await counted(() =>
      Promise.all([apart.write(insertExecution(randomUUID())), apart.query(selectExecution(id))]),
    );
    expect(trips).toEqual({ transactions: 1, reads: 1 });
    expect(result[1]).toEqual([await rowOf(id)]);
  });

  it("when a write of its batch fails, a read runs apart at once and gets its rows", async () => {
    const commits = new GroupCommit(db.direct, { readsAlong: true });
    const taken = randomUUID();
    await commits.write(insertExecution(taken));
    const { result, ...trips } = await counted(() =>
      Promise.allSettled([commits.write(insertExecution(taken)), commits.query(selectExecution(taken))]),
    );
    // The failed batch, then the write alone (failing again); the read on its own, not as a transaction.
    expect(trips).toEqual({ transactions: 2, reads: 1 });
    expect(result[0].status).toBe("rejected");
    expect(result[1]).toEqual({ status: "fulfilled", value: [await rowOf(taken)] });
  });
});
