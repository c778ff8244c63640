import { sql, type Database } from "../storage/database.ts";
import type { SqlStatement } from "../storage/direct-sql.ts";

/** How long a key answers with the execution it started. */
export const EXECUTION_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Keys that make starting a run idempotent (the execution_keys table): an API client's
 * `Idempotency-Key`, a schedule's fire, a webhook delivery's `webhook-id`. A key is claimed in the
 * transaction that writes the execution row, by an INSERT that fails while another live claim
 * holds it (the primary key): of two concurrent starts under one key, one run is recorded, and the
 * other's transaction (its row) is rolled back. A read first would leave a race.
 */
export class ExecutionKeys {
  constructor(private readonly db: Database) {}

  /** The execution a live (younger than 24 h) key names, or null. */
  async find(scope: string, key: string, now = new Date()): Promise<string | null> {
    const [row] = await this.db.direct.query<{ executionId: string }>(
      sql`SELECT "executionId" FROM "execution_keys" WHERE "scope" = ${scope} AND "key" = ${key} AND "createdAt" > ${cutoff(now)}`,
    );
    return row?.executionId ?? null;
  }

  /** Statements, for the caller's transaction, that claim `key` for `executionId`: an expired holder goes first; a live one makes the INSERT fail. */
  claim(scope: string, key: string, executionId: string, now: Date): SqlStatement[] {
    return [
      sql`DELETE FROM "execution_keys" WHERE "scope" = ${scope} AND "key" = ${key} AND "createdAt" <= ${cutoff(now)}`,
      sql`INSERT INTO "execution_keys" ("scope", "key", "executionId", "createdAt") VALUES (${scope}, ${key}, ${executionId}, ${now})`,
    ];
  }

  /** Frees `key` if `executionId` holds it (its run was not queued after all, or its row is gone). */
  async release(scope: string, key: string, executionId: string): Promise<void> {
    await this.db.direct.batch([
      sql`DELETE FROM "execution_keys" WHERE "scope" = ${scope} AND "key" = ${key} AND "executionId" = ${executionId}`,
    ]);
  }

  /** Deletes the keys older than 24 h. @returns how many */
  async purge(now = new Date()): Promise<number> {
    const [result] = await this.db.direct.batch([
      sql`DELETE FROM "execution_keys" WHERE "createdAt" <= ${cutoff(now)}`,
    ]);
    return result.count;
  }
}

function cutoff(now: Date): Date {
  return new Date(now.getTime() - EXECUTION_KEY_TTL_MS);
}
