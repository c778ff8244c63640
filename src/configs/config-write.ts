import { z } from "zod";
import type { Scope } from "../orgs/index.ts";
import { MIN_SCRUBBABLE_SECRET_LENGTH } from "./config-value.ts";
import { ConfigType } from "./config-type.ts";
import type { ConfigView } from "./config-view.ts";

// What a config write takes (PUT /api/configs/:key, imports) and what it warns about.

export const ConfigWrite = z.strictObject({
  type: ConfigType,
  value: z.unknown().optional(),
  description: z
    .string()
    .max(1000, "a description is at most 1000 characters")
    // PostgreSQL text cannot hold NUL; refusing it everywhere keeps both databases alike.
    .refine((text) => !text.includes("\u0000"), "a description must not contain NUL characters")
    .nullable()
    .optional(),
});
export type ConfigWrite = z.infer<typeof ConfigWrite>;

export interface ConfigWriteResult {
  config: ConfigView;
  created: boolean;
  /** Things that were accepted but deserve attention (e.g. a secret too short to scrub). */
  warnings: string[];
}

/** What deserves a warning about a secret's value (it is stored anyway): what scrubbing can and cannot do with it. */
export function secretWarnings(key: string, plaintext: string, scope: Scope): string[] {
  if (plaintext.length < MIN_SCRUBBABLE_SECRET_LENGTH) {
    return [
      `Secret "${key}" is shorter than ${MIN_SCRUBBABLE_SECRET_LENGTH} characters: it cannot be scrubbed from execution output safely.`,
    ];
  }
  const warnings: string[] = [];
  if (/^(true|false|null|-?\d+(\.\d+)?)$/.test(plaintext)) {
    warnings.push(
      `Secret "${key}" is a number or a JSON word: it is scrubbed from text and from numbers in results, but true, false and null in results are left as they are.`,
    );
  }
  if (scope.kind === "global" && plaintext.length < MIN_GUESS_RESISTANT_GLOBAL_SECRET) {
    warnings.push(
      `Global secret "${key}" is shorter than ${MIN_GUESS_RESISTANT_GLOBAL_SECRET} characters: an org whose workflows read it could test guesses of it against the output scrubber. Use a longer value.`,
    );
  }
  return warnings;
}

/** Below this, a global secret that runs of many orgs read is guessable through what scrubbing redacts (docs/security.md). */
const MIN_GUESS_RESISTANT_GLOBAL_SECRET = 12;
