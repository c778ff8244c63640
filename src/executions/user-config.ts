import type { IncomingHttpHeaders } from "node:http";
import { asciiLowerCase } from "../configs/config-key.ts";
import { ValidationError, type ValidationIssue } from "../errors/index.ts";
import type { SecretCipher } from "../secrets/index.ts";

/** Per-user config travels as `Config-<Name>: value` request headers. */
export const USER_CONFIG_HEADER_PREFIX = "config-";
const MAX_ENTRIES = 50;
const MAX_VALUE_BYTES = 8 * 1024;
const NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/;

/**
 * Header names are case-insensitive (ASCII, as config keys: no other character folds into a
 * name), and `_` in a lookup matches `-` in the header.
 */
export function normalizeUserConfigName(name: string): string {
  return asciiLowerCase(name).replace(/_/g, "-");
}

/** Whether a normalized name is one a `Config-<Name>` header can carry. */
export function isUserConfigName(normalized: string): boolean {
  return NAME.test(normalized);
}

/**
 * The `Config-*` headers of a request, by normalized name. Every other header is ignored here,
 * so nothing without the prefix can reach a workflow. Problems name the header, never its value.
 */
export function userConfigFromHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const values: Record<string, string> = {};
  const issues: ValidationIssue[] = [];
  for (const [header, raw] of Object.entries(headers)) {
    if (!header.startsWith(USER_CONFIG_HEADER_PREFIX) || raw === undefined) continue;
    const name = normalizeUserConfigName(header.slice(USER_CONFIG_HEADER_PREFIX.length));
    const path = `headers.${header}`;
    if (!NAME.test(name)) {
      issues.push({
        path,
        message: "a per-user config header is Config-<Name> with a name of letters, digits, - and _ (1..100)",
      });
      continue;
    }
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES)
      issues.push({ path, message: `a per-user config value is at most ${MAX_VALUE_BYTES} bytes` });
    values[name] = value;
  }
  if (Object.keys(values).length > MAX_ENTRIES)
    issues.push({ path: "headers", message: `at most ${MAX_ENTRIES} Config-* headers per request` });
  if (issues.length > 0) throw new ValidationError(issues);
  return values;
}

/** Encrypts per-user config for the job payload, so Redis never holds it in plaintext. */
export function sealUserConfig(cipher: SecretCipher, values: Record<string, string>): string | null {
  return Object.keys(values).length === 0 ? null : cipher.encrypt(JSON.stringify(values)).token;
}

export function openUserConfig(cipher: SecretCipher, sealed: string | null): Record<string, string> {
  return sealed === null
    ? {}
    : (JSON.parse(cipher.decrypt(sealed, "the execution's per-user config")) as Record<string, string>);
}
