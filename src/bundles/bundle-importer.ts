import { randomUUID } from "node:crypto";
import type { AuditLog } from "../audit/index.ts";
import { bumpConfigRevisions } from "../configs/config-revisions.ts";
import { ConfigWrite } from "../configs/config-write.ts";
import { normalizeConfigKey } from "../configs/config-key.ts";
import { acceptConfigValue } from "../configs/config-value.ts";
import type { ConfigRow } from "../configs/config-view.ts";
import {
  BundleKeyMismatchError,
  InvalidConfigKeyError,
  InvalidConfigValueError,
  ValidationError,
  type ValidationIssue,
} from "../errors/index.ts";
import { GLOBAL, OrgName } from "../orgs/index.ts";
import { SecretCipher } from "../secrets/index.ts";
import { join, sql, type Database, type Transaction } from "../storage/database.ts";
import type { ImportReport } from "./import-report-view.ts";
import type { ImportEntry, ImportSource } from "./import-source.ts";
import { checkTriggers, planTriggers, type CheckedTriggers } from "./trigger-import.ts";

export interface ImportOptions {
  dryRun: boolean;
  /** The BIFROST_SECRET_KEY the source's secrets were encrypted under, when it is not this server's. */
  sourceSecretKey?: string;
  actor: string;
  /** For the audit row: "bundle", "bifrost" or "scope". */
  format: string;
  /** The audit row's scope (default global): a scope import is audited in its scope. */
  auditScope?: string;
}

/** An entry that passed validation: canonical key, storage columns ready. */
interface CheckedEntry {
  org: string | null;
  key: string;
  type: string;
  /** Undefined: keep the row's own (a scope import gives none). */
  description: string | null | undefined;
  /** JSON text for plain types. */
  value: string | null;
  /** Secrets only: the plaintext, or null for "no value in the source". */
  plaintext: string | null;
  /** Secrets given as values (a scope import): always written, never compared with the stored one. */
  givenInPlaintext: boolean;
}

/** Issues listed in one error at most; past that, a count. */
const MAX_ISSUES = 100;
const WRITE_CHUNK = 500;

/**
 * Imports a bundle (or a Python Bifrost export) in one transaction. Everything is validated
 * first, and every problem is reported with its path; then orgs are matched by name (created
 * when missing) and configs upserted by (org, key). A secret without a value in the source never
 * overwrites a value the target has. A dry run computes the same report and writes nothing.
 */
export class BundleImporter {
  constructor(
    private readonly db: Database,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLog,
    /** BIFROST_SCHEDULE_MIN_INTERVAL_S: imported schedules keep to it too. */
    private readonly scheduleMinIntervalS = 60,
  ) {}

  async import(source: ImportSource, options: ImportOptions): Promise<ImportReport> {
    const { orgNames, entries, triggers } = this.check(source, options);
    if (options.dryRun)
      return plan(this.db.prisma, orgNames, entries, triggers, this.cipher, true).then((p) => p.report);
    return this.db.write(async (tx) => {
      const { report, apply } = await plan(tx, orgNames, entries, triggers, this.cipher, false);
      await apply(options.actor);
      await this.audit.record(tx, {
        actor: options.actor,
        action: "bundle.import",
        scope: options.auditScope ?? GLOBAL,
        details: {
          format: options.format,
          orgsCreated: report.orgs.created.length,
          created: report.configs.created,
          updated: report.configs.updated,
          unchanged: report.configs.unchanged,
          needsValue: report.needsValue.length,
          schedules: report.schedules.created + report.schedules.updated,
          webhooks: report.webhooks.created + report.webhooks.updated,
        },
      });
      return report;
    });
  }

  /** Validates everything and decrypts the source's secrets; throws with every problem found. */
  private check(
    source: ImportSource,
    options: ImportOptions,
  ): { orgNames: string[]; entries: CheckedEntry[]; triggers: CheckedTriggers } {
    const issues: ValidationIssue[] = [];
    const orgNames: string[] = [];
    const seenOrgs = new Map<string, string>();
    for (const { path, name } of source.orgs) {
      const parsed = OrgName.safeParse(name);
      if (!parsed.success) {
        issues.push({ path, message: parsed.error.issues[0].message });
        continue;
      }
      const first = seenOrgs.get(parsed.data.toLowerCase());
      if (first) issues.push({ path, message: `duplicate of ${first} (org names are matched ignoring case)` });
      else {
        seenOrgs.set(parsed.data.toLowerCase(), path);
        orgNames.push(parsed.data);
      }
    }

    const decrypt = this.decryptorFor(source, options.sourceSecretKey);
    const entries: CheckedEntry[] = [];
    const seen = new Map<string, string>();
    for (const entry of source.entries) {
      const checked = checkEntry(entry, seenOrgs, decrypt, issues, source.encryption.kind === "plaintext");
      if (!checked) continue;
      const identity = `${checked.org?.toLowerCase() ?? ""}\u0000${checked.key}`;
      const first = seen.get(identity);
      if (first)
        issues.push({
          path: entry.path,
          message: `duplicate of ${first}: the same key ${JSON.stringify(checked.key)} in ${checked.org === null ? "global scope" : `org ${JSON.stringify(checked.org)}`}`,
        });
      else {
        seen.set(identity, entry.path);
        entries.push(checked);
      }
    }
    const triggers = checkTriggers(source, seenOrgs, this.scheduleMinIntervalS, issues);
    if (issues.length > 0) {
      const shown = issues.slice(0, MAX_ISSUES);
      if (issues.length > MAX_ISSUES)
        shown.push({ path: "", message: `and ${issues.length - MAX_ISSUES} more problems` });
      throw new ValidationError(shown);
    }
    return { orgNames, entries, triggers };
  }

  /** How the source's encrypted values open: under this server's key, or under the source key given. */
  private decryptorFor(source: ImportSource, sourceSecretKey: string | undefined): ((token: string) => string) | null {
    const { encryption } = source;
    if (encryption.kind === "none" || !source.entries.some((e) => e.encrypted)) return null;
    const sourceCipher = sourceSecretKey === undefined ? undefined : new SecretCipher(sourceSecretKey);
    if (encryption.kind === "bundle") {
      const bundleKey = encryption.keyFingerprint;
      if (bundleKey === undefined) return null; // reported per entry: encrypted values need keyFingerprint
      // Under this server's key, current or previous (a backup taken before a rotation).
      if (this.cipher.canDecrypt(bundleKey)) return (token) => this.cipher.decrypt(token, "a bundle secret", bundleKey);
      if (!sourceCipher) {
        throw new BundleKeyMismatchError(
          `This backup's secrets are encrypted under key ${bundleKey}, and this server's key is ${this.cipher.fingerprint}: give the source key (bifrost import --source-secret-key, or the Bifrost-Source-Secret-Key header) to re-encrypt them, or import a portable bundle and set the secrets again`,
          { bundleKey, serverKey: this.cipher.fingerprint },
        );
      }
      if (sourceCipher.fingerprint !== bundleKey) {
        throw new BundleKeyMismatchError(
          `The source key given (fingerprint ${sourceCipher.fingerprint}) is not the key this backup was encrypted under (${bundleKey})`,
          {
            bundleKey,
            serverKey: this.cipher.fingerprint,
            sourceKey: sourceCipher.fingerprint,
          },
        );
      }
      return (token) => sourceCipher.decrypt(token, "a bundle secret");
    }
    const cipher = sourceCipher ?? this.cipher;
    return (token) => cipher.decrypt(token, "a Bifrost secret");
  }
}

function checkEntry(
  entry: ImportEntry,
  orgs: Map<string, string>,
  decrypt: ((token: string) => string) | null,
  issues: ValidationIssue[],
  plaintextSecrets = false,
): CheckedEntry | null {
  const before = issues.length;
  const at = (field: string) => `${entry.path}.${field}`;
  let key = "";
  try {
    key = normalizeConfigKey(entry.key);
  } catch (error) {
    issues.push({ path: at("key"), message: (error as InvalidConfigKeyError).reason });
  }
  if (entry.org !== null && !orgs.has(entry.org.toLowerCase()))
    issues.push({ path: at("org"), message: `org ${JSON.stringify(entry.org)} is not listed in orgs` });
  const description = ConfigWrite.shape.description.safeParse(entry.description);
  if (!description.success) issues.push({ path: at("description"), message: description.error.issues[0].message });

  let value: string | null = null;
  let plaintext: string | null = null;
  if (entry.type !== "secret") {
    if (entry.encrypted != null)
      issues.push({ path: at("encrypted"), message: "only a secret carries an encrypted value" });
    try {
      const accepted = acceptConfigValue(key, entry.type, entry.value, { typed: entry.typed });
      if (accepted.kind === "plain") value = accepted.stored;
    } catch (error) {
      if (!(error instanceof InvalidConfigValueError)) throw error;
      issues.push({ path: at("value"), message: error.reason });
    }
  } else if (plaintextSecrets && entry.value !== null && entry.value !== undefined) {
    try {
      acceptConfigValue(key, "secret", entry.value);
      plaintext = entry.value as string;
    } catch (error) {
      if (!(error instanceof InvalidConfigValueError)) throw error;
      issues.push({ path: at("value"), message: error.reason });
    }
  } else if (entry.value !== null && entry.value !== undefined) {
    issues.push({
      path: at("value"),
      message:
        "a secret's value is never imported in plaintext: it must be null (set it after the import with `bifrost config set <key> --secret`)",
    });
  } else if (entry.encrypted) {
    if (!decrypt) {
      issues.push({
        path: at(entry.secretField),
        message: "an encrypted value needs the bundle's keyFingerprint (a portable bundle carries none)",
      });
    } else {
      try {
        plaintext = decrypt(entry.encrypted);
        acceptConfigValue(key, "secret", plaintext);
      } catch (error) {
        issues.push({
          path: at(entry.secretField),
          message:
            error instanceof InvalidConfigValueError
              ? error.reason
              : "cannot be decrypted with the source's key (is it a Fernet token from that key?)",
        });
      }
    }
  }
  if (issues.length > before) return null;
  return {
    org: entry.org,
    key,
    type: entry.type,
    description: entry.description === undefined ? undefined : (description.data ?? null),
    value,
    plaintext,
    givenInPlaintext: plaintextSecrets && plaintext !== null,
  };
}

/**
 * Compares the checked entries with what the database holds and returns the report, and (for a
 * real import, inside its transaction) the function that writes the difference.
 */
async function plan(
  db: Database["prisma"] | Transaction,
  orgNames: string[],
  entries: CheckedEntry[],
  triggers: CheckedTriggers,
  cipher: SecretCipher,
  dryRun: boolean,
): Promise<{ report: ImportReport; apply: (actor: string) => Promise<void> }> {
  const existingOrgs = await db.org.findMany({ select: { id: true, name: true } });
  const orgByName = new Map(existingOrgs.map((o) => [o.name.toLowerCase(), o]));
  const newOrgs = orgNames
    .filter((name) => !orgByName.has(name.toLowerCase()))
    .map((name) => ({ id: randomUUID(), name }));
  for (const org of newOrgs) orgByName.set(org.name.toLowerCase(), org);
  const scopeOf = (org: string | null) => (org === null ? GLOBAL : orgByName.get(org.toLowerCase())!.id);

  const scopes = [...new Set(entries.map((e) => scopeOf(e.org)))];
  const rows = await db.config.findMany({ where: { scope: { in: scopes } } });
  const rowOf = new Map(rows.map((row) => [`${row.scope}\u0000${row.key}`, row]));

  const report: ImportReport = {
    dryRun,
    orgs: { created: newOrgs.map((o) => o.name), existing: orgNames.length - newOrgs.length },
    configs: { created: 0, updated: 0, unchanged: 0 },
    changes: [],
    needsValue: [],
    schedules: { created: 0, updated: 0, unchanged: 0 },
    webhooks: { created: 0, updated: 0, unchanged: 0 },
    needsSecret: [],
  };
  const creates: CheckedEntry[] = [];
  const updates: { row: ConfigRow; entry: CheckedEntry }[] = [];
  for (const entry of entries) {
    const row = rowOf.get(`${scopeOf(entry.org)}\u0000${entry.key}`);
    const orgName = entry.org === null ? null : orgByName.get(entry.org.toLowerCase())!.name;
    const change = row ? (isUnchanged(row, entry, cipher) ? null : "updated") : "created";
    if (change === "created") creates.push(entry);
    if (change === "updated") updates.push({ row: row!, entry });
    report.configs[change ?? "unchanged"]++;
    if (change) report.changes.push({ org: orgName, key: entry.key, type: entry.type, change });
    const valueAfter =
      entry.type !== "secret" || entry.plaintext !== null || (row?.type === "secret" && row.encrypted !== null);
    if (!valueAfter)
      report.needsValue.push({
        org: orgName,
        key: entry.key,
        howToSet: `bifrost config set ${entry.key} --secret${orgName === null ? "" : ` --org "${orgName}"`}`,
      });
  }

  const orgNameOf = (org: string | null) => (org === null ? null : orgByName.get(org.toLowerCase())!.name);
  const applyTriggers = await planTriggers(db, triggers, scopeOf, orgNameOf, cipher, report);

  const apply = async (actor: string) => {
    const tx = db as Transaction;
    if (newOrgs.length) await tx.org.createMany({ data: newOrgs.map((o) => ({ ...o, createdBy: actor })) });
    // One multi-row INSERT per chunk: Prisma's createMany spent ~0.2 ms a row (measured with
    // `npm run bench:profile -- sqlite import`), most of an import's time.
    const now = new Date();
    for (let i = 0; i < creates.length; i += WRITE_CHUNK) {
      const values = creates.slice(i, i + WRITE_CHUNK).map((entry) => {
        const scope = scopeOf(entry.org);
        const { value, encrypted, keyFingerprint } = columnsOf(entry, null, cipher);
        return sql`(${randomUUID()}, ${scope}, ${scope === GLOBAL ? null : scope}, ${entry.key}, ${entry.type}, ${value}, ${encrypted}, ${keyFingerprint}, ${entry.description ?? null}, ${now}, ${actor}, ${now}, ${actor})`;
      });
      await tx.$executeRaw`INSERT INTO "configs" ("id", "scope", "orgId", "key", "type", "value", "encrypted", "keyFingerprint", "description", "createdAt", "createdBy", "updatedAt", "updatedBy") VALUES ${join(values)}`;
    }
    for (const { row, entry } of updates) {
      await tx.config.update({
        where: { id: row.id },
        data: {
          type: entry.type,
          ...(entry.description === undefined ? {} : { description: entry.description }),
          ...columnsOf(entry, row, cipher),
          updatedBy: actor,
        },
      });
    }
    await bumpConfigRevisions(tx, [
      ...creates.map((entry) => scopeOf(entry.org)),
      ...updates.map(({ row }) => row.scope),
    ]);
    await applyTriggers(actor);
  };
  return { report, apply };
}

/** The value columns after the import. A secret without a value keeps the one the row has. */
function columnsOf(
  entry: CheckedEntry,
  row: ConfigRow | null,
  cipher: SecretCipher,
): Pick<ConfigRow, "value" | "encrypted" | "keyFingerprint"> {
  if (entry.type !== "secret") return { value: entry.value, encrypted: null, keyFingerprint: null };
  if (entry.plaintext !== null) {
    const encrypted = cipher.encrypt(entry.plaintext);
    return { value: null, encrypted: encrypted.token, keyFingerprint: encrypted.keyFingerprint };
  }
  if (row?.type === "secret") return { value: null, encrypted: row.encrypted, keyFingerprint: row.keyFingerprint };
  return { value: null, encrypted: null, keyFingerprint: null };
}

function isUnchanged(row: ConfigRow, entry: CheckedEntry, cipher: SecretCipher): boolean {
  if (row.type !== entry.type) return false;
  if (entry.description !== undefined && row.description !== entry.description) return false;
  if (entry.type !== "secret") return row.value === entry.value;
  if (entry.plaintext === null) return true; // no value in the source: the target's stays
  // Saying "unchanged" would tell whoever sent a guess that it is the stored secret.
  if (entry.givenInPlaintext) return false;
  return (
    row.encrypted !== null &&
    cipher.decrypt(row.encrypted, `secret "${row.key}"`, row.keyFingerprint) === entry.plaintext
  );
}
