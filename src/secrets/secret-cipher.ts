import { Fernet, InvalidFernetTokenError, deriveFernetKey, keyFingerprint } from "../crypto/index.ts";

export interface EncryptedValue {
  token: string;
  /** Fingerprint of the key that made `token`. */
  keyFingerprint: string;
}

/**
 * Encrypts secrets under the current BIFROST_SECRET_KEY and decrypts them under it or any previous
 * key (MultiFernet semantics, for rotations without downtime). The only holder of key material in
 * the platform; it never logs and its errors never carry the token or the plaintext.
 */
export class SecretCipher {
  readonly #current: Fernet;
  /** Every key this process can decrypt with, by fingerprint, the current one first. */
  readonly #byFingerprint = new Map<string, Fernet>();
  readonly fingerprint: string;

  constructor(secretKey: string, previousKeys: readonly string[] = []) {
    const current = keyOf(secretKey);
    this.#current = current.fernet;
    this.fingerprint = current.fingerprint;
    for (const key of [secretKey, ...previousKeys]) {
      const { fernet, fingerprint } = keyOf(key);
      if (!this.#byFingerprint.has(fingerprint)) this.#byFingerprint.set(fingerprint, fernet);
    }
  }

  /** Fingerprints of the previous keys (not the current one). */
  get previousFingerprints(): string[] {
    return [...this.#byFingerprint.keys()].filter((f) => f !== this.fingerprint);
  }

  canDecrypt(fingerprint: string | null): boolean {
    return fingerprint !== null && this.#byFingerprint.has(fingerprint);
  }

  encrypt(plaintext: string): EncryptedValue {
    return { token: this.#current.encrypt(plaintext), keyFingerprint: this.fingerprint };
  }

  /**
   * The plaintext of `token`. With the fingerprint of the key that made it (stored beside every
   * secret), that key is used; without, each key is tried, the current one first.
   * @throws SecretDecryptError, naming what was being read but never the token.
   */
  decrypt(token: string, what: string, fingerprint?: string | null): string {
    const known = fingerprint ? this.#byFingerprint.get(fingerprint) : undefined;
    const candidates = known ? [known] : [...this.#byFingerprint.values()];
    let failure = "no key given";
    for (const fernet of candidates) {
      try {
        return fernet.decryptString(token);
      } catch (error) {
        if (!(error instanceof InvalidFernetTokenError)) throw error;
        failure = error.message;
      }
    }
    throw new SecretDecryptError(what, failure);
  }

  /** `token` (made under a previous key) encrypted again under the current key. */
  reencrypt(token: string, what: string, fingerprint?: string | null): EncryptedValue {
    return this.encrypt(this.decrypt(token, what, fingerprint));
  }
}

function keyOf(secretKey: string): { fernet: Fernet; fingerprint: string } {
  const fernetKey = deriveFernetKey(secretKey);
  return { fernet: new Fernet(fernetKey), fingerprint: keyFingerprint(fernetKey) };
}

export class SecretDecryptError extends Error {
  override name = "SecretDecryptError";
  constructor(what: string, reason: string) {
    super(`Cannot decrypt ${what}: ${reason}. Was BIFROST_SECRET_KEY changed?`);
  }
}
