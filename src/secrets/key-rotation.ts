import type { AuditLog } from "../audit/index.ts";
import { bumpConfigRevisions } from "../configs/config-revisions.ts";
import type { Database } from "../storage/database.ts";
import type { SecretCipher } from "./secret-cipher.ts";

export interface KeyUsage {
  fingerprint: string;
  /** current: BIFROST_SECRET_KEY; previous: in BIFROST_SECRET_KEY_PREVIOUS; unknown: neither (unreadable). */
  role: "current" | "previous" | "unknown";
  secrets: number;
}

export interface KeyStatus {
  current: string;
  keys: KeyUsage[];
  /** Secrets that have no value yet (imported without one): nothing to rotate. */
  withoutValue: number;
  /** True when every secret is under the current key: the previous keys can be dropped. */
  done: boolean;
}

export interface RotationResult {
  rotated: number;
  /** Rows changed by someone else between read and write: they were written under the current key anyway. */
  skipped: number;
  remaining: number;
}

const DEFAULT_BATCH = 500;

/**
 * Re-encrypts every secret still under a previous key with the current key, in batches: config
 * secrets, then webhooks' signing secrets. Safe
 * while the API and workers serve (they read with every key, see SecretCipher): each row is
 * replaced only if it still holds the token that was read, so a concurrent write is never undone.
 * Resumable: a second run picks up what the first left, because it selects by key fingerprint.
 */
export class KeyRotation {
  constructor(
    private readonly db: Database,
    private readonly cipher: SecretCipher,
    private readonly audit: AuditLog,
  ) {}

  async status(): Promise<KeyStatus> {
    const groups = await this.db.prisma.config.groupBy({
      by: ["keyFingerprint"],
      where: { type: "secret", encrypted: { not: null } },
      _count: { _all: true },
    });
    const withoutValue = await this.db.prisma.config.count({ where: { type: "secret", encrypted: null } });
    const counts = new Map(groups.map((g) => [g.keyFingerprint ?? "unknown", g._count._all]));
    // Webhooks' signing secrets are secrets under the same key.
    for (const g of await this.db.prisma.webhook.groupBy({ by: ["keyFingerprint"], _count: { _all: true } }))
      counts.set(g.keyFingerprint, (counts.get(g.keyFingerprint) ?? 0) + g._count._all);
    const keys: KeyUsage[] = [
      { fingerprint: this.cipher.fingerprint, role: "current", secrets: counts.get(this.cipher.fingerprint) ?? 0 },
      ...this.cipher.previousFingerprints.map((fingerprint): KeyUsage => ({
        fingerprint,
        role: "previous",
        secrets: counts.get(fingerprint) ?? 0,
      })),
      ...[...counts]
        .filter(([f]) => !this.cipher.canDecrypt(f))
        .map(([fingerprint, secrets]): KeyUsage => ({ fingerprint, role: "unknown", secrets })),
    ];
    return {
      current: this.cipher.fingerprint,
      keys,
      withoutValue,
      done: keys.every((k) => k.role === "current" || k.secrets === 0),
    };
  }

  async rotate(options: {
    actor: string;
    batchSize?: number;
    onProgress?: (done: number, total: number) => void;
  }): Promise<RotationResult> {
    const stale = { encrypted: { not: null }, NOT: { keyFingerprint: this.cipher.fingerprint } };
    const staleHooks = { NOT: { keyFingerprint: this.cipher.fingerprint } };
    const total =
      (await this.db.prisma.config.count({ where: stale })) +
      (await this.db.prisma.webhook.count({ where: staleHooks }));
    let rotated = 0;
    let skipped = 0;
    let afterId = "";
    options.onProgress?.(0, total);
    for (;;) {
      const rows = await this.db.prisma.config.findMany({
        where: { ...stale, id: { gt: afterId } },
        select: { id: true, scope: true, key: true, encrypted: true, keyFingerprint: true },
        orderBy: { id: "asc" },
        take: options.batchSize ?? DEFAULT_BATCH,
      });
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1].id;
      await this.db.write(async (tx) => {
        for (const row of rows) {
          const next = this.cipher.reencrypt(row.encrypted!, `secret "${row.key}"`, row.keyFingerprint);
          const { count } = await tx.config.updateMany({
            where: { id: row.id, encrypted: row.encrypted },
            data: { encrypted: next.token, keyFingerprint: next.keyFingerprint },
          });
          if (count === 1) rotated++;
          else skipped++;
        }
        // The rows' updatedAt moved, which their lists show.
        await bumpConfigRevisions(
          tx,
          rows.map((row) => row.scope),
        );
      });
      options.onProgress?.(rotated + skipped, total);
    }
    for (afterId = ""; ;) {
      const rows = await this.db.prisma.webhook.findMany({
        where: { ...staleHooks, id: { gt: afterId } },
        select: { id: true, encrypted: true, keyFingerprint: true },
        orderBy: { id: "asc" },
        take: options.batchSize ?? DEFAULT_BATCH,
      });
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1].id;
      await this.db.write(async (tx) => {
        for (const row of rows) {
          const next = this.cipher.reencrypt(row.encrypted, `the secret of webhook ${row.id}`, row.keyFingerprint);
          const { count } = await tx.webhook.updateMany({
            where: { id: row.id, encrypted: row.encrypted },
            data: { encrypted: next.token, keyFingerprint: next.keyFingerprint },
          });
          if (count === 1) rotated++;
          else skipped++;
        }
      });
      options.onProgress?.(rotated + skipped, total);
    }
    const remaining =
      (await this.db.prisma.config.count({ where: stale })) +
      (await this.db.prisma.webhook.count({ where: staleHooks }));
    await this.db.write((tx) =>
      this.audit.record(tx, {
        actor: options.actor,
        action: "keys.rotate",
        scope: "global",
        details: { rotated, skipped, remaining, key: this.cipher.fingerprint },
      }),
    );
    return { rotated, skipped, remaining };
  }
}
