import { join, sql, type Database, type Transaction } from "../storage/database.ts";

/**
 * A list as the API sends it: its JSON, UTF-8 encoded once (Express encodes a string again on
 * every send: 30–55 µs and a 200 KB buffer for 1,000 configs here; `GET /api/configs` of 1,000
 * went from ~1,300 to ~1,700 requests/s), and an ETag that changes whenever the JSON may.
 */
export interface RenderedList {
  body: Buffer;
  etag: string;
}

interface Entry extends RenderedList {
  revisions: string;
}

/**
 * Moves the revision of each of `scopes`: call it in the transaction that changes their configs,
 * as its last statement (every such transaction takes the revision rows in the same order, last,
 * so they add no lock cycle on PostgreSQL).
 */
export async function bumpConfigRevisions(tx: Transaction, scopes: Iterable<string>): Promise<void> {
  const sorted = [...new Set(scopes)].sort();
  if (sorted.length === 0) return;
  await tx.$executeRaw`INSERT INTO "config_revisions" ("scope", "revision") VALUES ${join(sorted.map((scope) => sql`(${scope}, 1)`))}
    ON CONFLICT ("scope") DO UPDATE SET "revision" = "config_revisions"."revision" + 1`;
}

/**
 * The config revisions of `scopes`, as one string: it changes with every config change in any of
 * them (revisions only grow), so whatever was derived from their configs at one string stays right
 * while a read gives the same string again.
 */
export async function readConfigRevisions(db: Database, scopes: string[]): Promise<string> {
  return (await readEachConfigRevision(db, scopes)).join(".");
}

/**
 * The same, one revision a scope, in the order of `scopes`.
 * @param alongBookkeeping read with the execution bookkeeping being written, if any (a worker
 *   claiming a run: one round trip for both, see GroupCommit)
 */
export async function readEachConfigRevision(
  db: Database,
  scopes: string[],
  { alongBookkeeping = false } = {},
): Promise<number[]> {
  const statement = sql`SELECT "scope", "revision" FROM "config_revisions" WHERE "scope" IN (${join(scopes)})`;
  const rows = await (alongBookkeeping ? db.bookkeeping : db.direct).query<{ scope: string; revision: number }>(
    statement,
  );
  return scopes.map((scope) => rows.find((r) => r.scope === scope)?.revision ?? 0);
}

/**
 * Config lists rendered once per change instead of once per request: a list of 1,000 configs costs
 * ~5 ms to read and ~1.5 ms to render here, while its scopes' revisions are one indexed read. Each
 * request reads the revisions first and the rows (on a miss) after, so a list is never kept under
 * a revision older than the rows it shows; a write seen committed before the request is in its answer.
 * Bounded by the size of the kept JSON; least recently used lists go first.
 */
export class ConfigListCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly db: Database,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  async get(name: string, scopes: string[], render: () => Promise<unknown>): Promise<RenderedList> {
    const revisions = await readConfigRevisions(this.db, scopes);
    const found = this.entries.get(name);
    if (found && found.revisions === revisions) {
      this.entries.delete(name);
      this.entries.set(name, found);
      return found;
    }
    const body = Buffer.from(JSON.stringify(await render()));
    // The revisions name the content for this database; the name keeps lists of different scopes apart.
    const entry: Entry = { body, revisions, etag: `W/"${Buffer.from(`${name}@${revisions}`).toString("base64url")}"` };
    this.store(name, entry);
    return entry;
  }

  private store(name: string, entry: Entry): void {
    const previous = this.entries.get(name);
    if (previous) {
      this.bytes -= previous.body.length;
      this.entries.delete(name);
    }
    if (entry.body.length > this.maxBytes) return;
    this.entries.set(name, entry);
    this.bytes += entry.body.length;
    for (const [oldest, { body }] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= body.length;
    }
  }
}
