import { z } from "zod";

/** A token's label: what audit rows and `updatedBy` show as `token:<name>`. Not unique. */
export const TokenName = z
  .string()
  .trim()
  .min(1, "a token name must not be empty")
  .max(100, "a token name is at most 100 characters")
  .regex(/^[A-Za-z0-9 ._@:-]+$/, "a token name holds only letters, digits, spaces and . _ @ : -");

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MIN_TOKEN_LIFETIME_MS = UNIT_MS.m;
export const MAX_TOKEN_LIFETIME_MS = 365 * UNIT_MS.d;
const LIFETIME_HINT = "a number and a unit: 90m, 12h or 30d, from 1 minute to 365 days";

/** `expiresIn`: how long a new token lives (`90m`, `12h`, `30d`), as milliseconds. */
export const ExpiresIn = z
  .string(LIFETIME_HINT)
  .regex(/^[1-9][0-9]{0,6}[mhd]$/, LIFETIME_HINT)
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.at(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms >= MIN_TOKEN_LIFETIME_MS && ms <= MAX_TOKEN_LIFETIME_MS, LIFETIME_HINT);
