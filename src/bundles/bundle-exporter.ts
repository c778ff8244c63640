import type { AuditLog } from "../audit/index.ts";
import { decodeStoredValue } from "../configs/config-value.ts";
import type { ConfigRow } from "../configs/config-view.ts";
import { GLOBAL, scopeId, type Scope } from "../orgs/index.ts";
import type { SecretCipher } from "../secrets/index.ts";
import { join, sql, type Database } from "../storage/database.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION } from "./bundle-format.ts";
import { triggerSections } from "./bundle-trigger-export.ts";

export interface ExportOptions {
  /** true: secrets without value or ciphertext (to promote to another environment); false: a backup. */
  portable: boolean;
  /** Only this scope; everything when omitted. */
  scope?: Scope;
  actor: string;
}

/** Rows read per query: memory stays flat however many configs there are. */
const PAGE = 1_000;
/**
 * Small scopes are read together up to this many rows a query. Larger batches live long enough to
 * be promoted out of V8's young generation, and a full export's RSS then grew by 130 MB of garbage
 * awaiting a major GC (25 MB at 1,000; bench/scale-figures.ts, the export row).
 */
const BATCH_ROWS = 1_000;
/** Text gathered into one chunk of the stream, at most (a line longer than this is a chunk alone). */
const CHUNK_CHARS = 64 * 1024;

/**
 * What a bundle line needs of a row: not its ids, dates or authors (pg parsing two dates a row
 * was a large share of an export's time and garbage).
 */
type ExportedRow = Pick<ConfigRow, "scope" | "key" | "type" | "value" | "encrypted" | "keyFingerprint" | "description">;
const COLUMNS = sql`"scope", "key", "type", "value", "encrypted", "keyFingerprint", "description"`;

interface ExportRow {
  row: ExportedRow;
  org: string | null;
}

/**
 * Writes bundles. The text is deterministic apart from `exportedAt`: orgs by name, configs by
 * scope (global first, then orgs by name) and key, one config per line, so bundles diff cleanly.
 */
export class BundleExporter {
  constructor(
    private readonly db: Database,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The bundle as a stream of text chunks. Audited before its first chunk (who, which scope,
   * portable or a backup, `outcome: "started"`), and that row completed at the end with the
   * outcome: `completed` with the counts, or `aborted` (the reader stopped: a client that hung up)
   * or `failed`, with the configs written until then. A backup read in part leaves its trace.
   */
  async *export(options: ExportOptions): AsyncGenerator<string> {
    const what = { portable: options.portable, whole: options.scope === undefined };
    const auditId = await this.db.write((tx) =>
      this.audit.record(tx, {
        actor: options.actor,
        action: "bundle.export",
        scope: options.scope ? scopeId(options.scope) : GLOBAL,
        details: { ...what, outcome: "started" },
      }),
    );
    const counts = { orgs: 0, configs: 0, secrets: 0 };
    let outcome: "completed" | "aborted" | "failed" = "aborted";
    try {
      yield* this.chunks(options, counts);
      outcome = "completed";
    } catch (error) {
      outcome = "failed";
      throw error;
    } finally {
      const recorded = this.db.write((tx) => this.audit.setDetails(tx, auditId, { ...what, outcome, ...counts }));
      // A failed export's own error is the one to report; its row still says "started".
      await (outcome === "failed" ? recorded.catch(() => {}) : recorded);
    }
  }

  private async *chunks(
    options: ExportOptions,
    counts: { orgs: number; configs: number; secrets: number },
  ): AsyncGenerator<string> {
    const orgs = await this.orgsOf(options.scope);
    counts.orgs = orgs.length;
    const scopes: { id: string; org: string | null }[] = [
      ...(options.scope === undefined || options.scope.kind === "global" ? [{ id: GLOBAL, org: null }] : []),
      ...orgs.map((o) => ({ id: o.id, org: o.name })),
    ];
    const header = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      exportedAt: new Date().toISOString(),
      portable: options.portable,
      ...(options.portable ? {} : { keyFingerprint: this.cipher.fingerprint }),
    };
    yield `${JSON.stringify(header, null, 2).slice(0, -2)},\n`;
    yield `  "orgs": [${orgs.map((o) => `\n    ${JSON.stringify({ name: o.name })}`).join(",")}${orgs.length ? "\n  " : ""}],\n`;
    yield `  "configs": [`;
    // Chunks of up to CHUNK_CHARS: a chunk (and a write to the socket) per config cost more than
    // reading the rows; one line can still be a chunk of its own (a large value), so a client that
    // stops reading stops the export after little more than what it was sent.
    for await (const page of this.scopeRows(scopes)) {
      let text = "";
      for (const { row, org } of page) {
        text += `${counts.configs === 0 ? "" : ","}\n    ${this.lineOf(row, org, options.portable)}`;
        counts.configs++;
        if (row.type === "secret") counts.secrets++;
        if (text.length >= CHUNK_CHARS) {
          yield text;
          text = "";
        }
      }
      if (text) yield text;
    }
    yield `${counts.configs ? "\n  " : ""}]`;
    yield* triggerSections(this.db, scopes);
    yield "\n}\n";
  }

  /**
   * A BundleConfig as JSON, its fields in the schema's order: the text JSON.stringify gives for
   * the object, written without the object (a million of them were most of an export's garbage).
   */
  private lineOf(row: ExportedRow, org: string | null, portable: boolean): string {
    const head = `{"org":${JSON.stringify(org)},"key":${JSON.stringify(row.key)},"type":${JSON.stringify(row.type)},"description":${JSON.stringify(row.description)},"value":`;
    if (row.type !== "secret")
      return `${head}${row.value === null ? "null" : JSON.stringify(decodeStoredValue(row.value))}}`;
    if (portable) return `${head}null}`;
    // A backup states one key fingerprint: a row still under a previous key is re-encrypted for it.
    const encrypted =
      row.encrypted === null || row.keyFingerprint === this.cipher.fingerprint
        ? row.encrypted
        : this.cipher.reencrypt(row.encrypted, `secret "${row.key}"`, row.keyFingerprint).token;
    return `${head}null,"encrypted":${JSON.stringify(encrypted)}}`;
  }

  private async orgsOf(scope: Scope | undefined): Promise<{ id: string; name: string }[]> {
    if (scope?.kind === "global") return [];
    if (scope?.kind === "org") return [scope.org];
    return (await this.db.prisma.org.findMany({ select: { id: true, name: true } })).sort((a, b) =>
      byCodePoint(a.name, b.name),
    );
  }

  /**
   * Every scope's rows, scope by scope in the given order, each by key (rowsOf), in pages. Small
   * scopes are read many to a query (up to BATCH_ROWS rows): a query or two per scope made a whole
   * export of 10,000 orgs 20,000 round trips one after the other, most of its time. A scope larger
   * than that is paged alone.
   */
  private async *scopeRows(scopes: { id: string; org: string | null }[]): AsyncGenerator<ExportRow[]> {
    const counts = await this.rowCounts(scopes.map((s) => s.id));
    let batch: { id: string; org: string | null }[] = [];
    let rows = 0;
    const readBatch = async (): Promise<ExportRow[]> => {
      const found = await this.db.direct.query<ExportedRow>(
        sql`SELECT ${COLUMNS} FROM "configs" WHERE "scope" IN (${join(batch.map((s) => s.id))})`,
      );
      const byScope = new Map<string, ExportedRow[]>();
      for (const row of found) {
        const list = byScope.get(row.scope);
        if (list) list.push(row);
        else byScope.set(row.scope, [row]);
      }
      const page = batch.flatMap((s) =>
        (byScope.get(s.id) ?? []).sort((a, b) => byCodePoint(a.key, b.key)).map((row) => ({ row, org: s.org })),
      );
      batch = [];
      rows = 0;
      return page;
    };
    for (const scope of scopes) {
      const n = counts.get(scope.id) ?? 0;
      if (n === 0) continue;
      if (rows + n > BATCH_ROWS && batch.length > 0) yield await readBatch();
      if (n > BATCH_ROWS) {
        for await (const rowPage of this.rowsOf(scope.id)) yield rowPage.map((row) => ({ row, org: scope.org }));
        continue;
      }
      batch.push(scope);
      rows += n;
    }
    if (batch.length > 0) yield await readBatch();
  }

  /** Rows per scope: of the few named, or (a whole export) of all, in one grouped query. */
  private async rowCounts(scopes: string[]): Promise<Map<string, number>> {
    const rows = await this.db.direct.query<{ scope: string; n: number | bigint }>(
      scopes.length <= 100
        ? sql`SELECT "scope", COUNT(*) AS "n" FROM "configs" WHERE "scope" IN (${join(scopes)}) GROUP BY "scope"`
        : sql`SELECT "scope", COUNT(*) AS "n" FROM "configs" GROUP BY "scope"`,
    );
    return new Map(rows.map((r) => [r.scope, Number(r.n)]));
  }

  /**
   * A scope's rows by key in code-point order. The database's ORDER BY would follow its collation,
   * which differs between SQLite and a PostgreSQL locale; sorting the keys here makes one order
   * everywhere, and only keys (not values) are held for the whole scope.
   */
  private async *rowsOf(scope: string): AsyncGenerator<ExportedRow[]> {
    const keys = (
      await this.db.direct.query<{ key: string }>(sql`SELECT "key" FROM "configs" WHERE "scope" = ${scope}`)
    )
      .map((r) => r.key)
      .sort(byCodePoint);
    for (let i = 0; i < keys.length; i += PAGE) {
      const page = keys.slice(i, i + PAGE);
      const rows = await this.db.direct.query<ExportedRow>(
        sql`SELECT ${COLUMNS} FROM "configs" WHERE "scope" = ${scope} AND "key" IN (${join(page)})`,
      );
      const byKey = new Map(rows.map((row) => [row.key, row]));
      yield page.flatMap((key) => byKey.get(key) ?? []);
    }
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
