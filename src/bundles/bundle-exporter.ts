import type { AuditLog } from "../audit/index.ts";
import { decodeStoredValue } from "../configs/config-value.ts";
import type { ConfigRow } from "../configs/config-view.ts";
import { GLOBAL, scopeId, type Scope } from "../orgs/index.ts";
import type { SecretCipher } from "../secrets/index.ts";
import { join, sql, type Database } from "../storage/database.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleConfig } from "./bundle-format.ts";
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
    for (const scope of scopes) {
      for await (const row of this.rowsOf(scope.id)) {
        const line = `${counts.configs === 0 ? "" : ","}\n    ${JSON.stringify(this.entryOf(row, scope.org, options.portable))}`;
        counts.configs++;
        if (row.type === "secret") counts.secrets++;
        yield line;
      }
    }
    yield `${counts.configs ? "\n  " : ""}]`;
    yield* triggerSections(this.db, scopes);
    yield "\n}\n";
  }

  private entryOf(row: ConfigRow, org: string | null, portable: boolean): BundleConfig {
    const base = { org, key: row.key, type: row.type as BundleConfig["type"], description: row.description };
    if (row.type !== "secret") return { ...base, value: row.value === null ? null : decodeStoredValue(row.value) };
    if (portable) return { ...base, value: null };
    // A backup states one key fingerprint: a row still under a previous key is re-encrypted for it.
    const encrypted =
      row.encrypted === null || row.keyFingerprint === this.cipher.fingerprint
        ? row.encrypted
        : this.cipher.reencrypt(row.encrypted, `secret "${row.key}"`, row.keyFingerprint).token;
    return { ...base, value: null, encrypted };
  }

  private async orgsOf(scope: Scope | undefined): Promise<{ id: string; name: string }[]> {
    if (scope?.kind === "global") return [];
    if (scope?.kind === "org") return [scope.org];
    return (await this.db.prisma.org.findMany({ select: { id: true, name: true } })).sort((a, b) =>
      byCodePoint(a.name, b.name),
    );
  }

  /**
   * A scope's rows by key in code-point order. The database's ORDER BY would follow its collation,
   * which differs between SQLite and a PostgreSQL locale; sorting the keys here makes one order
   * everywhere, and only keys (not values) are held for the whole scope.
   */
  private async *rowsOf(scope: string): AsyncGenerator<ConfigRow> {
    // Two queries a scope, hundreds of scopes: on the driver (see DirectSql).
    const keys = (
      await this.db.direct.query<{ key: string }>(sql`SELECT "key" FROM "configs" WHERE "scope" = ${scope}`)
    )
      .map((r) => r.key)
      .sort(byCodePoint);
    for (let i = 0; i < keys.length; i += PAGE) {
      const page = keys.slice(i, i + PAGE);
      const rows = await this.db.direct.query<ConfigRow>(
        sql`SELECT * FROM "configs" WHERE "scope" = ${scope} AND "key" IN (${join(page)})`,
      );
      const byKey = new Map(rows.map((row) => [row.key, row]));
      for (const key of page) {
        const row = byKey.get(key);
        if (row) yield row;
      }
    }
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
