import { createHash } from "node:crypto";

/**
 * A short public name for a Fernet key: 16 hex chars of SHA-256 over a domain tag and the key.
 * Safe to store and print (it cannot be turned back into the key); equal keys give equal
 * fingerprints, so a row records which key encrypted it.
 */
export function keyFingerprint(fernetKey: string): string {
  return createHash("sha256").update("bifrost-ts/key-fingerprint/v1\0").update(fernetKey).digest("hex").slice(0, 16);
}
