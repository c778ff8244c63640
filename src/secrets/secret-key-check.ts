import { SecretKeyError } from "../errors/index.ts";
import type { PrismaClient } from "../storage/database.ts";
import type { SecretCipher } from "./secret-cipher.ts";

/**
 * Refuses to start when some stored secrets were encrypted under a key this process does not
 * have (neither BIFROST_SECRET_KEY nor one of BIFROST_SECRET_KEY_PREVIOUS): the alternative is an
 * opaque decryption failure in the middle of some workflow, much later. Each encrypted row
 * records its key's fingerprint, so the check is a count, not a decryption of every row; and it
 * counts only the rows outside the known fingerprints, index ranges around them on
 * (keyFingerprint, type), so start-up does not read every config (165 ms at 1,000,000 rows).
 */
export async function assertSecretKeyMatches(prisma: PrismaClient, cipher: SecretCipher): Promise<void> {
  const known = [cipher.fingerprint, ...cipher.previousFingerprints].sort();
  // Below the first known fingerprint, between each two, above the last; and a secret without one.
  const elsewhere = [
    { keyFingerprint: null, type: "secret" },
    { keyFingerprint: { lt: known[0] } },
    ...known.slice(1).map((k, i) => ({ keyFingerprint: { gt: known[i], lt: k } })),
    { keyFingerprint: { gt: known[known.length - 1] } },
  ];
  // Config secrets and webhooks' signing secrets (few rows, read whole), each with its key's
  // fingerprint. Rows, counted here: with GROUP BY, SQLite walks the whole index in its order
  // instead of searching the ranges (23 ms against 0.02 ms at 200,000 configs).
  const found = [
    ...(await prisma.config.findMany({
      where: { encrypted: { not: null }, OR: elsewhere },
      select: { keyFingerprint: true },
    })),
    ...(await prisma.webhook.findMany({ select: { keyFingerprint: true } })),
  ];
  const byKey = new Map<string | null, number>();
  for (const { keyFingerprint } of found) byKey.set(keyFingerprint, (byKey.get(keyFingerprint) ?? 0) + 1);
  const groups = [...byKey]
    .map(([keyFingerprint, rows]) => ({ keyFingerprint, _count: { _all: rows } }))
    .filter((g) => !cipher.canDecrypt(g.keyFingerprint));
  if (groups.length === 0) return;
  const total = groups.reduce((sum, g) => sum + g._count._all, 0);
  const fingerprints = groups.map((g) => `${g.keyFingerprint ?? "unknown"} (${g._count._all})`).join(", ");
  const have = [cipher.fingerprint, ...cipher.previousFingerprints].join(", ");
  throw new SecretKeyError(
    "SECRET_KEY_MISMATCH",
    `BIFROST_SECRET_KEY does not match the stored secrets: ${total} secret(s) were encrypted under key fingerprint ${fingerprints}, ` +
      `but this process has keys ${have}. Start with the key they were written with (during a rotation, put the old key in BIFROST_SECRET_KEY_PREVIOUS).`,
    { expected: groups.map((g) => g.keyFingerprint), actual: cipher.fingerprint, rows: total },
  );
}
