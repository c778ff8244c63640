import { Fernet, InvalidFernetTokenError, deriveFernetKey, keyFingerprint } from "../crypto/index.ts";

export interface EncryptedValue {
  token: string;
  /** Fingerprint of the key that made `token`. */
  keyFingerprint: string;
}

/**
 * Encrypts secrets under the current BIFROST_SECRET_KEY and decrypts them. The only holder of key
 * material in the platform; it never logs and its errors never carry the token or the plaintext.
 */
export class SecretCipher {
  readonly #fernet: Fernet;
  readonly fingerprint: string;

  constructor(secretKey: string) {
    const fernetKey = deriveFernetKey(secretKey);
    this.#fernet = new Fernet(fernetKey);
    this.fingerprint = keyFingerprint(fernetKey);
  }

  encrypt(plaintext: string): EncryptedValue {
    return { token: this.#fernet.encrypt(plaintext), keyFingerprint: this.fingerprint };
  }

  /** @throws SecretDecryptError, naming what was being read but never the token. */
  decrypt(token: string, what: string): string {
    try {
      return this.#fernet.decryptString(token);
    } catch (error) {
      if (error instanceof InvalidFernetTokenError) throw new SecretDecryptError(what, error.message);
      throw error;
    }
  }
}

export class SecretDecryptError extends Error {
  override name = "SecretDecryptError";
  constructor(what: string, reason: string) {
    super(`Cannot decrypt ${what}: ${reason}. Was BIFROST_SECRET_KEY changed?`);
  }
}
