import { InvalidConfigKeyError } from "../errors/index.ts";

const CANONICAL = /^[a-z0-9_]{1,255}$/;

/**
 * The canonical form of a config key, as every reader and writer uses it: lowercase, with `-`, `.`
 * and spaces turned into `_` (`Stripe-API-Key` -> `stripe_api_key`). After that only `[a-z0-9_]`,
 * 1..255 characters.
 *
 * @throws InvalidConfigKeyError
 */
export function normalizeConfigKey(input: unknown): string {
  if (typeof input !== "string") throw new InvalidConfigKeyError(String(input), "a key must be a string");
  const key = input.toLowerCase().replace(/[-. ]/g, "_");
  if (key.length === 0) throw new InvalidConfigKeyError(input, "a key must not be empty");
  if (key.length > 255) throw new InvalidConfigKeyError(input, `a key is at most 255 characters (got ${key.length})`);
  if (!CANONICAL.test(key)) {
    const bad = [...new Set(key.replace(/[a-z0-9_]/g, ""))].slice(0, 5).map((c) => JSON.stringify(c)).join(", ");
    throw new InvalidConfigKeyError(input, `only letters, digits, _, -, . and spaces are allowed (found ${bad})`);
  }
  return key;
}
