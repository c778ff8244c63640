import { randomUUID } from "node:crypto";
import { join, sql, type Database, type Transaction } from "../storage/database.ts";
import { claimReads } from "../storage/claim-reads.ts";
import type { SharedReads } from "../storage/shared-reads.ts";
import { ConfigListCache, type RenderedList } from "./config-list-cache.ts";
import { bumpConfigRevisions, eachRevision, revisionsStatement } from "./config-revisions.ts";
import type { ConfigRow } from "./config-view.ts";
import { GLOBAL } from "../orgs/scope.ts";

/** The columns of a config that hold its value: JSON text for plain types, a Fernet token for secrets. */
export type StoredValue = Pick<ConfigRow, "value" | "encrypted" | "keyFingerprint">;

export interface NewConfigRow extends StoredValue {
  scope: string;
  orgId: string | null;
  key: string;
  type: string;
  description: string | null;
  actor: string;
}

export type ConfigChange = Partial<StoredValue> & { type: string; description?: string | null; actor: string };

/**
 * The configs table and its revisions. The reads API requests and runs make are SQL on the driver
 * (DirectSql): lists are the API's biggest reads, and every run reads its keys and its scope's
 * secrets. Writes take the caller's transaction, so a config, its audit row and its scope's
 * revision go together. `scopes` are scope ids ("global" or an org id), most specific first.
 */
export class ConfigStore {
  private readonly lists: ConfigListCache;
  private readonly claimRevisions: SharedReads<string, number>;

  constructor(private readonly db: Database) {
    this.lists = new ConfigListCache(async (scopes) => (await this.revisions(scopes)).join("."));
    this.claimRevisions = claimReads(
      db.bookkeeping,
      (scope: string) => revisionsStatement([scope]),
      (rows: { scope: string; revision: number }[], scope) => eachRevision(rows, [scope])[0],
    );
  }

  /** The rows stored in one scope, by key. */
  inScope(scope: string): Promise<ConfigRow[]> {
    return this.db.direct.query<ConfigRow>(sql`SELECT * FROM "configs" WHERE "scope" = ${scope} ORDER BY "key"`);
  }

  /** The rows of every scope in `scopes`, by key. */
  inScopes(scopes: string[]): Promise<ConfigRow[]> {
    return this.db.direct.query<ConfigRow>(
      sql`SELECT * FROM "configs" WHERE "scope" IN (${join(scopes)}) ORDER BY "key"`,
    );
  }

  /** The rows of `key` in `scopes` (at most one a scope). */
  ofKey(key: string, scopes: string[]): Promise<ConfigRow[]> {
    return this.db.direct.query<ConfigRow>(
      sql`SELECT * FROM "configs" WHERE "key" = ${key} AND "scope" IN (${join(scopes)})`,
    );
  }

  /** Whether each of `keys` is set in `scopes`, and as a secret with or without a value (no value is read). */
  presence(keys: string[], scopes: string[]): Promise<Pick<ConfigRow, "key" | "scope" | "type" | "encrypted">[]> {
    return this.db.direct.query(
      sql`SELECT "key", "scope", "type", "encrypted" FROM "configs" WHERE "key" IN (${join(keys)}) AND "scope" IN (${join(scopes)})`,
    );
  }

  /** The ciphertexts of the secrets stored in `scope` itself that have a value. */
  secretsIn(scope: string): Promise<Pick<ConfigRow, "key" | "scope" | "encrypted" | "keyFingerprint">[]> {
    return this.db.direct.query(sql`
      SELECT "key", "scope", "encrypted", "keyFingerprint" FROM "configs"
      WHERE "scope" = ${scope} AND "type" = 'secret' AND "encrypted" IS NOT NULL`);
  }

  /**
   * What a page of the keys × scopes matrix shows: up to `limit` orgs by name after `after`
   * (`more`: whether others follow), every key of every scope, and the rows of global and those orgs.
   */
  async matrixPage(page: { limit: number; after?: string }): Promise<{
    orgs: { id: string; name: string }[];
    more: boolean;
    keys: string[];
    rows: ConfigRow[];
  }> {
    const found = await this.db.direct.query<{ id: string; name: string }>(
      page.after === undefined
        ? sql`SELECT "id", "name" FROM "orgs" ORDER BY "name" LIMIT ${page.limit + 1}`
        : sql`SELECT "id", "name" FROM "orgs" WHERE "name" > ${page.after} ORDER BY "name" LIMIT ${page.limit + 1}`,
    );
    const orgs = found.slice(0, page.limit);
    const keys = await this.db.direct.query<{ key: string }>(sql`SELECT DISTINCT "key" FROM "configs" ORDER BY "key"`);
    const rows = await this.inScopes([GLOBAL, ...orgs.map((org) => org.id)]);
    return { orgs, more: found.length > page.limit, keys: keys.map((k) => k.key), rows };
  }

  async orgName(orgId: string): Promise<string | null> {
    return (await this.db.prisma.org.findUnique({ where: { id: orgId }, select: { name: true } }))?.name ?? null;
  }

  /** The config revision of each of `scopes`, in their order (0 for a scope never changed). */
  async revisions(scopes: string[]): Promise<number[]> {
    return eachRevision(await this.db.direct.query(revisionsStatement(scopes)), scopes);
  }

  /** The revision of `scope`, read in the claim's round trip of a run a worker is claiming (claim-reads.ts). */
  revisionForClaim(scope: string): Promise<number> {
    return this.claimRevisions.get(scope);
  }

  /**
   * A list as the API sends it, rendered by `render` only when the revisions of `scopes` moved
   * since it was last rendered under `name` (ConfigListCache).
   */
  renderedList(name: string, scopes: string[], render: () => Promise<unknown>): Promise<RenderedList> {
    return this.lists.get(name, scopes, render);
  }

  find(tx: Transaction, scope: string, key: string): Promise<ConfigRow | null> {
    return tx.config.findUnique({ where: { scope_key: { scope, key } } });
  }

  insert(tx: Transaction, row: NewConfigRow): Promise<ConfigRow> {
    const { actor, ...columns } = row;
    return tx.config.create({ data: { id: randomUUID(), ...columns, createdBy: actor, updatedBy: actor } });
  }

  /** Changes the row of `key` in `scope`; a column left out keeps its value. */
  update(tx: Transaction, scope: string, key: string, change: ConfigChange): Promise<ConfigRow> {
    const { actor, ...columns } = change;
    return tx.config.update({ where: { scope_key: { scope, key } }, data: { ...columns, updatedBy: actor } });
  }

  /** @returns whether there was such a row. */
  async delete(tx: Transaction, scope: string, key: string): Promise<boolean> {
    const { count } = await tx.config.deleteMany({ where: { scope, key } });
    return count > 0;
  }

  /** Moves the revisions of `scopes`: the last statement of a transaction that changed their configs. */
  bumpRevisions(tx: Transaction, scopes: Iterable<string>): Promise<void> {
    return bumpConfigRevisions(tx, scopes);
  }
}
