import { join, sql, type Transaction } from "../storage/database.ts";

/**
 * Moves the revision of each of `scopes`: call it in the transaction that changes their configs,
 * as its last statement (every such transaction takes the revision rows in the same order, last,
 * so they add no lock cycle on PostgreSQL). What is kept derived from a scope's configs (rendered
 * lists, a worker's scrubbers) is kept under the revision it was read at.
 */
export async function bumpConfigRevisions(tx: Transaction, scopes: Iterable<string>): Promise<void> {
  const sorted = [...new Set(scopes)].sort();
  if (sorted.length === 0) return;
  await tx.$executeRaw`INSERT INTO "config_revisions" ("scope", "revision") VALUES ${join(sorted.map((scope) => sql`(${scope}, 1)`))}
    ON CONFLICT ("scope") DO UPDATE SET "revision" = "config_revisions"."revision" + 1`;
}

/** The statement reading the revisions of `scopes` (a scope never changed has no row: revision 0). */
export function revisionsStatement(scopes: string[]) {
  return sql`SELECT "scope", "revision" FROM "config_revisions" WHERE "scope" IN (${join(scopes)})`;
}

/** One revision a scope, in the order of `scopes`, from rows of `revisionsStatement`. */
export function eachRevision(rows: { scope: string; revision: number }[], scopes: string[]): number[] {
  return scopes.map((scope) => rows.find((r) => r.scope === scope)?.revision ?? 0);
}
