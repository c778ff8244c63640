import type { AuditLog } from "../audit/index.ts";
import {
  ConfigExistsError,
  ConfigNotFoundError,
  SecretAccessError,
  SecretValueMissingError,
  ValidationError,
  type MissingSecret,
} from "../errors/index.ts";
import { GLOBAL, scopeId, type Scope } from "../orgs/index.ts";
import { ScopeScrubbers, type ScopeScrubber, type SecretCipher } from "../secrets/index.ts";
import type { Database } from "../storage/database.ts";
import { normalizeConfigKey } from "./config-key.ts";
import { configMatrix } from "./config-matrix.ts";
import type { ConfigMatrix } from "./config-matrix-view.ts";
import type { RenderedList } from "./config-list-cache.ts";
import type { ConfigStore, StoredValue } from "./config-store.ts";
import {
  ExecutionConfigReader,
  type CascadeReads,
  type ReadContext,
  type ResolvedConfig,
} from "./execution-config-reader.ts";
import type { ConfigType } from "./config-type.ts";
import { ConfigWrite, secretWarnings, type ConfigWriteResult } from "./config-write.ts";
import { acceptConfigValue, decodeStoredValue, type AcceptedValue } from "./config-value.ts";
import {
  toConfigView,
  toEffectiveView,
  type ConfigRow,
  type ConfigView,
  type EffectiveConfigView,
} from "./config-view.ts";

/**
 * The rules of configs: typed values, the scope cascade, secret encryption and the audit trail.
 * The API, the CLI (through the API) and the worker's `config.get` all come here; the table is
 * ConfigStore's.
 */
export class ConfigService implements CascadeReads {
  /**
   * Each scope's scrubber, built again only when that scope's revision moved; runs of one scope
   * starting together share the revision query, and then the values (ScopeScrubbers keeps the read
   * on its way).
   */
  private readonly scrubbers = new ScopeScrubbers((scope) => this.readSecretValues(scope));

  constructor(
    private readonly store: ConfigStore,
    private readonly db: Pick<Database, "write">,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLog,
  ) {}

  /** `list(scope)` as the API sends it, rendered again only after the scope's configs changed. */
  listRendered(scope: Scope): Promise<RenderedList> {
    return this.store.renderedList(`list:${scopeId(scope)}`, [scopeId(scope)], () => this.list(scope));
  }

  /** `listEffective(scope)` as the API sends it, rendered again only after a change in its cascade. */
  listEffectiveRendered(scope: Scope): Promise<RenderedList> {
    return this.store.renderedList(`effective:${scopeId(scope)}`, cascadeOf(scope), () => this.listEffective(scope));
  }

  /** A page of orgs of the keys × scopes matrix, without any secret value (admins compare orgs with it). */
  async matrix(page: { limit: number; after?: string }): Promise<{ matrix: ConfigMatrix; more: boolean }> {
    const { more, ...read } = await this.store.matrixPage(page);
    return { matrix: configMatrix(read), more };
  }

  /** The rows stored in one scope (no cascade). */
  async list(scope: Scope): Promise<ConfigView[]> {
    return (await this.store.inScope(scopeId(scope))).map(toConfigView);
  }

  /** Every key an execution in `scope` can read, each from where the cascade finds it. */
  async listEffective(scope: Scope): Promise<EffectiveConfigView[]> {
    const rows = await this.store.inScopes(cascadeOf(scope));
    const byKey = new Map<string, ConfigRow[]>();
    for (const row of rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
    return [...byKey.values()].map((found) =>
      toEffectiveView(
        effectiveRow(found)!,
        found.length > 1,
        found.find((r) => r.scope === GLOBAL),
      ),
    );
  }

  /** The effective config of `key` for `scope`, without its secret value. */
  async getEffective(scope: Scope, rawKey: unknown): Promise<EffectiveConfigView> {
    const key = normalizeConfigKey(rawKey);
    const rows = await this.store.ofKey(key, cascadeOf(scope));
    const row = effectiveRow(rows);
    if (!row) throw new ConfigNotFoundError(key, scope.kind === "global" ? GLOBAL : scope.org.name);
    return toEffectiveView(
      row,
      rows.length > 1,
      rows.find((r) => r.scope === GLOBAL),
    );
  }

  /**
   * THE cascade: `scope`'s own row if it exists, else the global row, else ConfigNotFoundError.
   * An org row shadows a global row whatever either's type.
   */
  private async findCascaded(scope: Scope, key: string): Promise<{ row: ConfigRow; shadowsGlobal: boolean }> {
    const rows = await this.store.ofKey(key, cascadeOf(scope));
    const row = effectiveRow(rows);
    if (!row) throw new ConfigNotFoundError(key, scope.kind === "global" ? GLOBAL : scope.org.name);
    return { row, shadowsGlobal: rows.length > 1 };
  }

  /**
   * The typed, decrypted value of `key` for `scope`. Reading a secret writes an audit row (with the
   * execution id when a workflow reads). Reads the database every time, so a change is visible to
   * the very next read.
   */
  async resolve(scope: Scope, rawKey: unknown, reader: ReadContext): Promise<ResolvedConfig> {
    const key = normalizeConfigKey(rawKey);
    const { row } = await this.findCascaded(scope, key);
    const resolved = await this.valueOf(row, reader);
    if (row.type === "secret") await this.auditSecretRead(row, reader);
    return resolved;
  }

  /**
   * Reads for one execution: each key's cascade is looked up once per run and kept, so a run sees
   * one value per key and a repeated read costs a decryption, not a query (a change made through
   * the API is seen by the next run). A secret's first read in the run is audited at once; how
   * many times the run read it is added to that audit row when the run ends (`close()`).
   */
  readerFor(scope: Scope, reader: ReadContext): ExecutionConfigReader {
    return new ExecutionConfigReader(this, scope, { ...reader, runScope: scopeId(scope) });
  }

  /** The cascade's row for `key` (ExecutionConfigReader keeps it for the run). */
  async effectiveRow(scope: Scope, key: string): Promise<ConfigRow> {
    return (await this.findCascaded(scope, key)).row;
  }

  /** A found row's value for `reader`: declared secrets only, decrypted. Not audited. */
  async valueOf(row: ConfigRow, reader: ReadContext): Promise<ResolvedConfig> {
    const { key } = row;
    const type = row.type as ConfigType;
    if (type !== "secret")
      return { key, type, value: row.value === null ? null : decodeStoredValue(row.value), resolvedFrom: row.scope };
    if (reader.declaredSecrets && !reader.declaredSecrets.keys.includes(key))
      throw new SecretAccessError(key, reader.declaredSecrets.workflow);
    if (row.encrypted === null)
      throw new SecretValueMissingError(key, row.scope, row.scope === GLOBAL ? null : await this.orgName(row.orgId));
    const value = this.cipher.decrypt(row.encrypted, `secret "${key}" (${row.scope})`, row.keyFingerprint);
    return { key, type, value, resolvedFrom: row.scope };
  }

  /** @returns the audit row's id. */
  auditSecretRead(row: ConfigRow, reader: ReadContext): Promise<number> {
    // Through db.write, like every write: on SQLite it waits out another process's write lock.
    return this.db.write((tx) =>
      this.audit.record(tx, {
        actor: reader.actor,
        action: "secret.read",
        scope: row.scope,
        key: row.key,
        executionId: reader.executionId,
        runScope: reader.runScope !== undefined && reader.runScope !== row.scope ? reader.runScope : null,
      }),
    );
  }

  /** A run's write refused (out of its authority, or a secret copied into a plain config): audited, without the value. */
  async auditDenied(
    scope: Scope,
    rawKey: unknown,
    reader: Pick<ReadContext, "actor" | "executionId">,
    reason: "scope" | "secret_copy",
  ): Promise<void> {
    const key = normalizeConfigKey(rawKey);
    await this.db.write((tx) =>
      this.audit.record(tx, {
        actor: reader.actor,
        action: "config.denied",
        scope: scopeId(scope),
        key,
        executionId: reader.executionId,
        details: { reason },
      }),
    );
  }

  /** @internal */
  setAuditDetails(id: number, details: Record<string, number>): Promise<void> {
    return this.db.write((tx) => this.audit.setDetails(tx, id, details));
  }

  /**
   * Which of `keys` an execution in `scope` could not read: set nowhere in the cascade, or a
   * secret without a value (imported from a portable bundle). Checked before a run is queued.
   */
  async missingSecrets(scope: Scope, keys: readonly string[]): Promise<MissingSecret[]> {
    if (keys.length === 0) return [];
    const rows = await this.store.presence([...keys], cascadeOf(scope));
    const missing: MissingSecret[] = [];
    for (const key of keys) {
      const row = effectiveRow(rows.filter((r) => r.key === key));
      if (!row) missing.push({ key, reason: "not_set" });
      else if (row.type === "secret" && row.encrypted === null) missing.push({ key, reason: "no_value" });
    }
    return missing;
  }

  /**
   * The scrubber of the secret values stored in the scope `id` itself ("global" or an org id): not
   * audited as reads, never returned to a caller. An org's run is scrubbed of its org's secrets and
   * of those it read; a global secret it did not read is not looked for in its output, so the
   * scrubber cannot be asked whether a guess is another scope's secret. The same one while the
   * scope's configs do not change (ScopeScrubbers): usually one indexed read of the revision.
   */
  async scopeScrubber(id: string): Promise<ScopeScrubber> {
    // Asked by a worker as it claims a run: the read goes with the claim where it can.
    return this.scrubbers.get(id, String(await this.store.revisionForClaim(id)));
  }

  private async readSecretValues(scope: string): Promise<readonly string[]> {
    const rows = await this.store.secretsIn(scope);
    return rows.map((row) =>
      this.cipher.decrypt(row.encrypted!, `secret "${row.key}" (${row.scope})`, row.keyFingerprint),
    );
  }

  /**
   * Creates or replaces `key` in `scope`. A secret is only ever replaced by a full new value; a
   * write with a `description` and no `value` to a row of the same type keeps the stored value (or
   * ciphertext), so a description can change without anyone re-entering a secret. `createOnly` refuses an existing
   * key with ConfigExistsError instead of overwriting it.
   */
  async set(
    scope: Scope,
    rawKey: unknown,
    input: unknown,
    actor: string,
    options: { createOnly?: boolean } = {},
  ): Promise<ConfigWriteResult> {
    const key = normalizeConfigKey(rawKey);
    const parsed = ConfigWrite.safeParse(input);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, "body");
    const { type, value, description } = parsed.data;
    // Checked before the row is read, so a bad value is refused whether the key exists or not.
    const accepted = value === undefined ? undefined : acceptConfigValue(key, type, value);

    const warnings = accepted?.kind === "secret" ? secretWarnings(key, accepted.plaintext, scope) : [];
    const stored = accepted ? this.storageColumns(accepted) : undefined;

    const { row, created } = await this.db.write(async (tx) => {
      const existing = await this.store.find(tx, scopeId(scope), key);
      if (existing && options.createOnly)
        throw new ConfigExistsError(key, scope.kind === "global" ? GLOBAL : scope.org.name);
      // Keeping the stored value is for changing the description alone: it needs one, and a row of
      // the same type to keep the value from. A bare `{type}` stays "a value is required".
      if (!stored && (!existing || existing.type !== type || description === undefined))
        acceptConfigValue(key, type, undefined);
      const row = existing
        ? await this.store.update(tx, scopeId(scope), key, {
            type,
            ...(stored ?? {}),
            ...(description === undefined ? {} : { description }),
            actor,
          })
        : await this.store.insert(tx, {
            scope: scopeId(scope),
            orgId: scope.kind === "org" ? scope.org.id : null,
            key,
            type,
            ...stored!,
            description: description ?? null,
            actor,
          });
      const details: Record<string, string | boolean> =
        existing && existing.type !== type ? { type, previousType: existing.type } : { type };
      if (existing && !stored) details.valueKept = true;
      await this.audit.record(tx, {
        actor,
        action: existing ? "config.update" : "config.create",
        scope: row.scope,
        key,
        details,
      });
      await this.store.bumpRevisions(tx, [row.scope]);
      return { row, created: !existing };
    });
    return { config: toConfigView(row), created, warnings };
  }

  /** @throws ConfigNotFoundError when `scope` has no such row (the global row is not touched). */
  async delete(scope: Scope, rawKey: unknown, actor: string): Promise<void> {
    const key = normalizeConfigKey(rawKey);
    await this.db.write(async (tx) => {
      if (!(await this.store.delete(tx, scopeId(scope), key)))
        throw new ConfigNotFoundError(key, scope.kind === "global" ? GLOBAL : scope.org.name);
      await this.audit.record(tx, { actor, action: "config.delete", scope: scopeId(scope), key });
      await this.store.bumpRevisions(tx, [scopeId(scope)]);
    });
  }

  /** The columns that hold a value: JSON text for plain types, a Fernet token for secrets. */
  private storageColumns(accepted: AcceptedValue): StoredValue {
    if (accepted.kind === "plain") return { value: accepted.stored, encrypted: null, keyFingerprint: null };
    const encrypted = this.cipher.encrypt(accepted.plaintext);
    return { value: null, encrypted: encrypted.token, keyFingerprint: encrypted.keyFingerprint };
  }

  private async orgName(orgId: string | null): Promise<string | null> {
    if (!orgId) return null;
    return this.store.orgName(orgId);
  }
}

/** THE cascade rule, given one key's rows from `cascadeOf(scope)`: the org's row shadows the global one. */
function effectiveRow<R extends { scope: string }>(rows: R[]): R | undefined {
  return rows.find((r) => r.scope !== GLOBAL) ?? rows[0];
}

/** The scopes a read in `scope` looks at, most specific first. */
function cascadeOf(scope: Scope): string[] {
  return cascadeOfScopeId(scopeId(scope));
}

/** The same, from a scope id ("global" or an org id). */
function cascadeOfScopeId(id: string): string[] {
  return id === GLOBAL ? [GLOBAL] : [id, GLOBAL];
}
