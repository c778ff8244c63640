import { ConfigNotFoundError } from "../errors/index.ts";
import type { Scope } from "../orgs/index.ts";
import { normalizeConfigKey } from "./config-key.ts";
import type { ConfigService, ReadContext, ResolvedConfig } from "./config-service.ts";
import type { ConfigRow } from "./config-view.ts";

/**
 * `config.get` for one execution (see ConfigService.readerFor): the cascade through the service,
 * each key's row kept for the run, secrets decrypted on every read and their reads audited.
 */
export class ExecutionConfigReader {
  private readonly rows = new Map<string, Promise<ConfigRow | null>>();
  private readonly secretReads = new Map<string, { auditId: Promise<number>; count: number }>();

  constructor(
    private readonly configs: ConfigService,
    private readonly scope: Scope,
    private readonly reader: ReadContext,
  ) {}

  /** The effective value of `key`, or undefined when it is set nowhere in the cascade. */
  async read(rawKey: unknown): Promise<ResolvedConfig | undefined> {
    const key = normalizeConfigKey(rawKey);
    let row = this.rows.get(key);
    if (!row) {
      row = this.configs.effectiveRow(this.scope, key).catch((error) => {
        if (error instanceof ConfigNotFoundError) return null;
        throw error;
      });
      this.rows.set(key, row);
    }
    const found = await row;
    if (!found) return undefined;
    const resolved = await this.configs.valueOf(found, this.reader);
    if (found.type === "secret") {
      const reads = this.secretReads.get(key);
      if (reads) reads.count++;
      else {
        const auditId = this.configs.auditSecretRead(found, this.reader);
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

  /** Adds each secret's read count to its audit row (one write per secret read more than once). */
  async close(): Promise<void> {
    for (const { auditId, count } of this.secretReads.values()) {
      if (count > 1) await this.configs.setAuditDetails(await auditId, { reads: count });
    }
  }
}
