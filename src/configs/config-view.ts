import { z } from "zod";
import type { Config } from "../storage/generated/sqlite/client.ts";
import { ScopeId, Timestamp } from "../views/view-fields.ts";
import { decodeStoredValue } from "./config-value.ts";
import { ConfigType } from "./config-type.ts";

/**
 * A config as the API shows it. For a secret, `value` is always null and `masked` true: the
 * plaintext and the ciphertext never leave the service. `hasValue` is false only for a secret
 * imported without its value.
 */
export const ConfigView = z
  .object({
    key: z.string().meta({ example: "max_retries" }),
    type: ConfigType,
    scope: ScopeId,
    description: z.string().nullable(),
    value: z.unknown().meta({ description: "The typed value; always null for a secret", example: 5 }),
    masked: z.boolean().meta({ description: "true for secrets" }),
    hasValue: z.boolean().meta({ description: "false only for a secret imported without its value" }),
    updatedAt: Timestamp,
    updatedBy: z.string().meta({ example: "admin" }),
  })
  .meta({ id: "ConfigView", description: "A config; a secret's value is never shown" });
export type ConfigView = z.infer<typeof ConfigView>;

/** The value `config.get` would see for an org, and where it came from. */
export const EffectiveConfigView = ConfigView.extend({
  resolvedFrom: z.string().meta({ description: '"global" or the org id the value comes from' }),
  shadowsGlobal: z.boolean().meta({ description: "The org's own row hides a global row of the same key" }),
  shadowed: ConfigView.pick({ type: true, value: true, masked: true, hasValue: true, description: true })
    .optional()
    .meta({ description: "When it shadows: the global row it hides (a secret as set or not, never its value)" }),
}).meta({ id: "EffectiveConfigView", description: "A config after the global → org cascade" });
export type EffectiveConfigView = z.infer<typeof EffectiveConfigView>;

/** The answer to a write: the config, and what was accepted but deserves attention. */
export const ConfigWriteView = ConfigView.extend({
  warnings: z
    .array(z.string())
    .optional()
    .meta({ description: "Present only when there are any (e.g. a secret too short to scrub)" }),
}).meta({ id: "ConfigWriteView", description: "A config as written" });
export type ConfigWriteView = z.infer<typeof ConfigWriteView>;

export type ConfigRow = Config;

export function toConfigView(row: ConfigRow): ConfigView {
  const secret = row.type === "secret";
  return {
    key: row.key,
    type: row.type as ConfigType,
    scope: row.scope,
    description: row.description,
    value: secret || row.value === null ? null : decodeStoredValue(row.value),
    masked: secret,
    hasValue: secret ? row.encrypted !== null : row.value !== null,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

/** `shadowsGlobal`: an org row that hides a global one (deleting it lets the global value show). */
export function toEffectiveView(row: ConfigRow, shadowsGlobal = false, globalRow?: ConfigRow): EffectiveConfigView {
  const view: EffectiveConfigView = { ...toConfigView(row), resolvedFrom: row.scope, shadowsGlobal };
  if (shadowsGlobal && globalRow && globalRow !== row) {
    const { type, value, masked, hasValue, description } = toConfigView(globalRow);
    view.shadowed = { type, value, masked, hasValue, description };
  }
  return view;
}
