import { ConfigNotFoundError } from "../errors/index.ts";
import type { Scope } from "../orgs/index.ts";
import { normalizeConfigKey } from "./config-key.ts";
import type { ConfigType } from "./config-type.ts";
import type { ConfigRow } from "./config-view.ts";

/** Who reads, for the audit row of a secret read. */
export interface ReadContext {
  actor: string;
  executionId?: string;
  /** The scope of the run that reads ("global" or an org id), recorded when the row is another scope's. */
  runScope?: string;
  /** A workflow's declared secrets: a secret outside them is refused before it is decrypted. */
  declaredSecrets?: { workflow: string; keys: readonly string[] };
}

/** A config's effective value after the cascade, decrypted. Only a run's `config.get` holds one. */
export interface ResolvedConfig {
  key: string;
  type: ConfigType;
  value: unknown;
  resolvedFrom: string;
}

/** What a run's reads need of the config store (ConfigService has them). */
export interface CascadeReads {
  /** The cascade's row for `key` in `scope`. @throws ConfigNotFoundError */
  effectiveRow(scope: Scope, key: string): Promise<ConfigRow>;
  /** A found row's value for `reader`: declared secrets only, decrypted. Not audited. */
  valueOf(row: ConfigRow, reader: ReadContext): Promise<ResolvedConfig>;
  /** @returns the audit row's id */
  auditSecretRead(row: ConfigRow, reader: ReadContext): Promise<number>;
  setAuditDetails(id: number, details: Record<string, number>): Promise<void>;
}

/**
 * `config.get` for one execution: each key's cascade is looked up once per run and kept, so a run
 * sees one value per key; a secret's first read is audited at once, and how many times the run
 * read it is added to that audit row when the run ends (`close`).
 */
export class ExecutionConfigReader {
  private readonly rows = new Map<string, Promise<ConfigRow | null>>();
  private readonly secretReads = new Map<string, { auditId: Promise<number>; count: number }>();

  constructor(
    private readonly store: CascadeReads,
    private readonly scope: Scope,
    private readonly reader: ReadContext,
  ) {}

  /** The effective value of `key`, or undefined when it is set nowhere in the cascade. */
  async read(rawKey: unknown): Promise<ResolvedConfig | undefined> {
    const key = normalizeConfigKey(rawKey);
    let row = this.rows.get(key);
    if (!row) {
      row = this.store.effectiveRow(this.scope, key).catch((error) => {
        if (error instanceof ConfigNotFoundError) return null;
        throw error;
      });
      this.rows.set(key, row);
    }
    const found = await row;
    if (!found) return undefined;
    const resolved = await this.store.valueOf(found, this.reader);
    if (found.type === "secret") {
      const reads = this.secretReads.get(key);
      if (reads) reads.count++;
      else {
        const auditId = this.store.auditSecretRead(found, this.reader);
        this.secretReads.set(key, { auditId, count: 1 });
        await auditId;
      }
    }
    return resolved;
  }

  /** The run wrote or deleted `key`: the next read looks it up again. */
  forget(rawKey: unknown): void {
    this.rows.delete(normalizeConfigKey(rawKey));
  }

  /**
   * Adds each secret's read count to its audit row (one write per secret read more than once).
   * @param counted reads counted where the run's code ran (its thread answers repeated reads itself)
   */
  async close(counted: Record<string, number> = {}): Promise<void> {
    for (const [key, { auditId, count }] of this.secretReads) {
      const reads = Math.max(count, counted[key] ?? 0);
      if (reads > 1) await this.store.setAuditDetails(await auditId, { reads });
    }
  }
}
