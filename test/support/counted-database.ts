import type { Database } from "../../src/storage/database.ts";
import type { BatchOptions, SqlStatement } from "../../src/storage/direct-sql.ts";
import { GroupCommit } from "../../src/storage/group-commit.ts";

/**
 * `real` with its driver's round trips counted: write transactions (batches) and reads, execution
 * bookkeeping's included, whose reads ride along in its batches (as on PostgreSQL) on either database.
 */
export function countedDatabase(real: Database): {
  db: Database;
  trips: { transactions: number; reads: number };
  reset(): void;
} {
  const trips = { transactions: 0, reads: 0 };
  const direct = {
    ...real.direct,
    batch: (statements: SqlStatement[], options?: BatchOptions) => (
      trips.transactions++,
      real.direct.batch(statements, options)
    ),
    query: <T>(statement: SqlStatement) => (trips.reads++, real.direct.query<T>(statement)),
  };
  return {
    db: { ...real, direct, bookkeeping: new GroupCommit(direct, { waitForDisk: false, readsAlong: true }) },
    trips,
    reset: () => Object.assign(trips, { transactions: 0, reads: 0 }),
  };
}
