import type { Config } from "../storage/generated/sqlite/client.ts";
import { decodeStoredValue } from "./config-value.ts";
import type { ConfigType } from "./config-type.ts";

/**
 * A config as the API shows it. For a secret, `value` is always null and `masked` true: the
 * plaintext and the ciphertext never leave the service. `hasValue` is false only for a secret
 * imported without its value.
 */
export interface ConfigView {
  key: string;
  type: ConfigType;
  /** "global" or the org's id. */
  scope: string;
  description: string | null;
  value: unknown;
  masked: boolean;
  hasValue: boolean;
  updatedAt: string;
  updatedBy: string;
}

/** The value `config.get` would see for an org, and where it came from. */
export interface EffectiveConfigView extends ConfigView {
  resolvedFrom: string;
  /** The org's own row hides a global row of the same key. */
  shadowsGlobal: boolean;
  /** When it does: the global row it hides (a secret as set or not, never its value). */
  shadowed?: Pick<ConfigView, "type" | "value" | "masked" | "hasValue" | "description">;
}

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
