import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto";

const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16; // version, timestamp, IV
const HMAC_LENGTH = 32;
const BLOCK = 16;
/** The spec allows tokens stamped slightly in the future: clocks in a fleet drift. */
const MAX_CLOCK_SKEW_SECONDS = 60;

/** A token that is malformed, was not made with this key, or has expired. Says which, never what it holds. */
export class InvalidFernetTokenError extends Error {
  override name = "InvalidFernetTokenError";
}

export interface FernetEncryptOptions {
  /** Seconds since the epoch to stamp the token with (tests); default: now. */
  now?: number;
  /** The 16-byte IV (tests); default: random. Never reuse one in production. */
  iv?: Buffer;
}

export interface FernetDecryptOptions {
  /** Reject tokens older than this many seconds. Default: no limit (stored secrets never expire). */
  ttlSeconds?: number;
  /** Seconds since the epoch to check the TTL against (tests); default: now. */
  now?: number;
}

/**
 * Fernet (https://github.com/fernet/spec) on node:crypto: AES-128-CBC with PKCS7 padding, then
 * HMAC-SHA256 over version, timestamp, IV and ciphertext; url-safe base64 with padding. Tokens
 * interoperate with Python `cryptography.fernet.Fernet`.
 */
export class Fernet {
  // KeyObjects, made once: node then skips importing the raw key on every call (a hot path).
  readonly #signingKey: KeyObject;
  readonly #encryptionKey: KeyObject;

  /** @param key url-safe base64 of 32 bytes, as Python's `Fernet.generate_key()` makes. */
  constructor(key: string) {
    const raw = decodeBase64Url(key);
    if (!raw || raw.length !== 32) throw new Error("A Fernet key must be 32 bytes in url-safe base64");
    this.#signingKey = createSecretKey(raw.subarray(0, 16));
    this.#encryptionKey = createSecretKey(raw.subarray(16));
  }

  static generateKey(): string {
    return randomBytes(32).toString("base64url") + "=";
  }

  encrypt(plaintext: string | Buffer, options: FernetEncryptOptions = {}): string {
    const iv = options.iv ?? randomBytes(BLOCK);
    if (iv.length !== BLOCK) throw new Error("A Fernet IV must be 16 bytes");
    const cipher = createCipheriv("aes-128-cbc", this.#encryptionKey, iv);
    const body = Buffer.concat([
      cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext),
      cipher.final(),
    ]);
    const token = Buffer.alloc(HEADER_LENGTH + body.length + HMAC_LENGTH);
    token[0] = VERSION;
    token.writeBigUInt64BE(BigInt(Math.floor(options.now ?? Date.now() / 1000)), 1);
    iv.copy(token, 9);
    body.copy(token, HEADER_LENGTH);
    const signed = token.subarray(0, HEADER_LENGTH + body.length);
    createHmac("sha256", this.#signingKey).update(signed).digest().copy(token, signed.length);
    return toBase64UrlPadded(token);
  }

  decrypt(token: string, options?: FernetDecryptOptions): Buffer {
    const raw = decodeBase64Url(token);
    if (!raw) throw new InvalidFernetTokenError("token is not url-safe base64");
    if (raw.length < HEADER_LENGTH + BLOCK + HMAC_LENGTH || (raw.length - HEADER_LENGTH - HMAC_LENGTH) % BLOCK !== 0) {
      throw new InvalidFernetTokenError("token has the wrong length");
    }
    if (raw[0] !== VERSION) throw new InvalidFernetTokenError("token has an unknown version");

    const signed = raw.subarray(0, raw.length - HMAC_LENGTH);
    const expected = createHmac("sha256", this.#signingKey).update(signed).digest();
    if (!timingSafeEqual(expected, raw.subarray(raw.length - HMAC_LENGTH))) {
      throw new InvalidFernetTokenError("token signature does not match this key");
    }

    if (options?.ttlSeconds !== undefined) {
      const issuedAt = Number(raw.readBigUInt64BE(1));
      const now = options.now ?? Math.floor(Date.now() / 1000);
      if (issuedAt + options.ttlSeconds < now) throw new InvalidFernetTokenError("token has expired");
      if (issuedAt > now + MAX_CLOCK_SKEW_SECONDS) throw new InvalidFernetTokenError("token is stamped in the future");
    }

    try {
      const decipher = createDecipheriv("aes-128-cbc", this.#encryptionKey, raw.subarray(9, HEADER_LENGTH));
      const head = decipher.update(raw.subarray(HEADER_LENGTH, signed.length));
      const tail = decipher.final();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      throw new InvalidFernetTokenError("token padding is invalid");
    }
  }

  decryptString(token: string, options?: FernetDecryptOptions): string {
    return this.decrypt(token, options).toString("utf8");
  }
}

const EQUALS = 0x3d;

/**
 * Strict url-safe base64 (padding optional); null when the text is not that.
 *
 * Node's decoder skips what is not base64 instead of refusing it, so the decoded bytes are encoded
 * again and must give back the text: one native pass each way, where regular expressions checking
 * the alphabet and taking off the padding cost half of a 10 KB secret's decrypt (docs/performance.md).
 * This also refuses a last character whose unused low bits are not zero, which no encoder writes.
 */
export function decodeBase64Url(text: string): Buffer | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === EQUALS && text.length - end < 2) end--;
  const body = end === text.length ? text : text.slice(0, end);
  const bytes = Buffer.from(body, "base64url");
  return bytes.toString("base64url") === body ? bytes : null;
}

/** Python's `urlsafe_b64encode`: url-safe alphabet, with `=` padding. */
export function toBase64UrlPadded(bytes: Buffer): string {
  const text = bytes.toString("base64url");
  return text + "=".repeat((4 - (text.length % 4)) % 4);
}
