import { InvalidConfigKeyError } from "../errors/index.ts";

/** What a key may be written with: ASCII letters in either case, digits, `_`, `-`, `.` and spaces. */
const WRITTEN = /^[A-Za-z0-9_\-. ]*$/;

/**
 * Lowercase of ASCII letters only, the one case folding of every name the platform matches
 * (config keys, secret declarations, per-user config names). `String#toLowerCase` also folds
 * other characters into ASCII (the Kelvin sign "K", U+212A, becomes "k"), so that a name
 * written differently would silently mean another.
 */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * The canonical form of a config key, as every reader and writer uses it: lowercase, with `-`, `.`
 * and spaces turned into `_` (`Stripe-API-Key` -> `stripe_api_key`). After that only `[a-z0-9_]`,
 * 1..255 characters. Any other character is refused rather than folded (no Unicode case or
 * compatibility mapping), so a key means what it shows.
 *
 * @throws InvalidConfigKeyError
 */
export function normalizeConfigKey(input: unknown): string {
  if (typeof input !== "string") throw new InvalidConfigKeyError(String(input), "a key must be a string");
  if (input.length === 0) throw new InvalidConfigKeyError(input, "a key must not be empty");
  if (input.length > 255)
    throw new InvalidConfigKeyError(input, `a key is at most 255 characters (got ${input.length})`);
  if (!WRITTEN.test(input)) {
    const bad = [...new Set(input.replace(/[A-Za-z0-9_\-. ]/g, ""))].slice(0, 5).map(describeCharacter).join(", ");
    throw new InvalidConfigKeyError(
      input,
      `only letters, digits, _, -, . and spaces are allowed, all ASCII (found ${bad})`,
    );
  }
  return asciiLowerCase(input).replace(/[-. ]/g, "_");
}

/** `"K" (U+212A)`: the code point tells apart what looks alike. */
function describeCharacter(character: string): string {
  return `${JSON.stringify(character)} (U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
}
