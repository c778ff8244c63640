import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { SecretKeyError } from "../errors/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { Settings } from "../platform/settings.ts";
import { isSqliteUrl } from "../storage/database-url.ts";

export const MIN_SECRET_KEY_LENGTH = 32;

/**
 * The BIFROST_SECRET_KEY this process encrypts with. On the embedded default (SQLite) an unset key
 * is generated once into <home>/secret.key (mode 0600) so `npm start` needs no set-up; anywhere
 * else it must be set, because a key generated on one machine would not be on the next one.
 */
export function loadSecretKey(settings: Pick<Settings, "secretKey" | "home" | "databaseUrl">, logger?: Logger): string {
  if (settings.secretKey !== undefined) return checkLength(settings.secretKey, "BIFROST_SECRET_KEY");

  if (!isSqliteUrl(settings.databaseUrl)) {
    throw new SecretKeyError(
      "SECRET_KEY_INVALID",
      `BIFROST_SECRET_KEY is not set. With PostgreSQL every API and worker process must share one key: set BIFROST_SECRET_KEY (at least ${MIN_SECRET_KEY_LENGTH} characters, e.g. from \`openssl rand -base64 48\`).`,
    );
  }

  const file = join(settings.home, "secret.key");
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077)
      logger?.warn({ file }, `secret key file is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
    return checkLength(readFileSync(file, "utf8").trim(), file);
  }

  mkdirSync(settings.home, { recursive: true, mode: 0o700 });
  const generated = randomBytes(48).toString("base64url");
  writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  logger?.warn(
    { file },
    "BIFROST_SECRET_KEY is not set: generated a development key into this file. Production must set BIFROST_SECRET_KEY (and keep it safe: secrets cannot be read without it).",
  );
  return generated;
}

function checkLength(key: string, source: string): string {
  if (key.length < MIN_SECRET_KEY_LENGTH) {
    throw new SecretKeyError(
      "SECRET_KEY_INVALID",
      `${source} is ${key.length} characters long; it must be at least ${MIN_SECRET_KEY_LENGTH} (e.g. \`openssl rand -base64 48\`).`,
    );
  }
  return key;
}

/** BIFROST_SECRET_KEY_PREVIOUS, each checked like the current key. */
export function loadPreviousSecretKeys(settings: Pick<Settings, "previousSecretKeys">): string[] {
  return settings.previousSecretKeys.map((key, i) => checkLength(key, `BIFROST_SECRET_KEY_PREVIOUS (key ${i + 1})`));
}
