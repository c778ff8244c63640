import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Fernet, InvalidFernetTokenError, decodeBase64Url, deriveFernetKey } from "../../src/crypto/index.ts";

const vectors = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/vectors/${name}`, import.meta.url), "utf8"));
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe("Fernet", () => {
  it("has vectors that match the shared originals, where those are beside the project", () => {
    for (const name of [
      "fernet/generate.json",
      "fernet/verify.json",
      "fernet/invalid.json",
      "bifrost/derivation.json",
    ]) {
      const shared = new URL(`../../../shared/vectors/${name}`, import.meta.url);
      if (existsSync(shared)) expect(vectors(name), name).toEqual(JSON.parse(readFileSync(shared, "utf8")));
    }
  });

  describe("spec vectors: generate", () => {
    for (const v of vectors("fernet/generate.json")) {
      it(`makes the exact token for ${JSON.stringify(v.src)}`, () => {
        const token = new Fernet(v.secret).encrypt(v.src, { now: seconds(v.now), iv: Buffer.from(v.iv) });
        expect(token).toBe(v.token);
      });
    }
  });

  describe("spec vectors: verify", () => {
    for (const v of vectors("fernet/verify.json")) {
      it(`decrypts the token to ${JSON.stringify(v.src)} within its TTL`, () => {
        const plain = new Fernet(v.secret).decryptString(v.token, { ttlSeconds: v.ttl_sec, now: seconds(v.now) });
        expect(plain).toBe(v.src);
      });
    }
  });

  describe("spec vectors: invalid", () => {
    for (const v of vectors("fernet/invalid.json")) {
      it(`refuses a token: ${v.desc}`, () => {
        expect(() => new Fernet(v.secret).decrypt(v.token, { ttlSeconds: v.ttl_sec, now: seconds(v.now) })).toThrow(
          InvalidFernetTokenError,
        );
      });
    }
  });

  it("round-trips unicode and 64 KiB values with a random IV each time", () => {
    const fernet = new Fernet(Fernet.generateKey());
    for (const text of ["ü✓ secret", "x".repeat(64 * 1024), "a"]) {
      const a = fernet.encrypt(text);
      const b = fernet.encrypt(text);
      expect(a).not.toBe(b);
      expect(fernet.decryptString(a)).toBe(text);
    }
  });

  it("refuses a token made under another key", () => {
    const token = new Fernet(Fernet.generateKey()).encrypt("hello");
    expect(() => new Fernet(Fernet.generateKey()).decrypt(token)).toThrow(/signature/);
  });

  it("refuses keys that are not 32 bytes of url-safe base64", () => {
    expect(() => new Fernet("short")).toThrow(/32 bytes/);
    expect(() => new Fernet("%".repeat(44))).toThrow(/32 bytes/);
  });

  it("reads url-safe base64 strictly: padding optional, anything else refused", () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x41]); // every url-safe character's place: "-_-_QQ"
    expect(decodeBase64Url("-_-_QQ==")).toEqual(bytes);
    expect(decodeBase64Url("-_-_QQ")).toEqual(bytes);
    expect(decodeBase64Url("")).toEqual(Buffer.alloc(0));
    for (const text of [
      "+/+/QQ==",
      "-_-_ QQ==",
      "-_-_\nQQ",
      "-_-_QQ===",
      "-_-_Q",
      "-_-_QR==",
      "-_=-_QQ",
      "-_-_QQ%",
      "=-_-_QQ",
    ]) {
      expect(decodeBase64Url(text), text).toBeNull();
    }
    // A token with an alphabet slip is refused as base64, before its signature is checked.
    const fernet = new Fernet(Fernet.generateKey());
    const token = fernet.encrypt("hello");
    expect(() => fernet.decrypt(token.slice(0, 10) + "+" + token.slice(11))).toThrow(/base64/);
  });
});

describe("Bifrost key derivation (vectors made with Python cryptography)", () => {
  for (const v of vectors("bifrost/derivation.json").cases) {
    it(`derives the Fernet key of ${v.BIFROST_SECRET_KEY.slice(0, 12)}…`, () => {
      expect(deriveFernetKey(v.BIFROST_SECRET_KEY)).toBe(v.fernetKey);
    });

    it("decrypts the token Python made, and Bifrost's stored form of it", () => {
      const fernet = new Fernet(deriveFernetKey(v.BIFROST_SECRET_KEY));
      expect(fernet.decryptString(v.fernetToken)).toBe(v.plaintext);
      const storedToken = Buffer.from(v.bifrostStoredValue, "base64url").toString("utf8");
      expect(storedToken).toBe(v.fernetToken);
      expect(fernet.decryptString(storedToken)).toBe(v.plaintext);
    });

    it("makes tokens that the derived key opens the way Python does (same layout, same key)", () => {
      const fernet = new Fernet(deriveFernetKey(v.BIFROST_SECRET_KEY));
      const pythonToken = Buffer.from(v.fernetToken, "base64url");
      const ours = fernet.encrypt(v.plaintext, {
        now: Number(pythonToken.readBigUInt64BE(1)),
        iv: pythonToken.subarray(9, 25),
      });
      expect(ours).toBe(v.fernetToken);
    });
  }
});
