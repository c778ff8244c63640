import { hkdfSync } from "node:crypto";
import { toBase64UrlPadded } from "./fernet.ts";

// Python Bifrost's constants: the same BIFROST_SECRET_KEY must give the same Fernet key there and here,
// so secrets exported from Bifrost decrypt here (../shared/vectors/bifrost/derivation.json).
const SALT = "bifrost_secrets_v1";
const INFO = "bifrost-secrets-encryption";

/** The Fernet key for a BIFROST_SECRET_KEY: url-safe base64 of HKDF-SHA256(key, 32 bytes). */
export function deriveFernetKey(secretKey: string): string {
  const derived = hkdfSync("sha256", Buffer.from(secretKey, "utf8"), Buffer.from(SALT), Buffer.from(INFO), 32);
  return toBase64UrlPadded(Buffer.from(derived));
}
