import { z } from "zod";
import { ConfigType } from "../configs/config-type.ts";
import { ValidationError } from "../errors/index.ts";
import { MAX_BUNDLE_CONFIGS } from "./bundle-format.ts";
import type { ImportSource } from "./import-source.ts";

/**
 * Python Bifrost's REST export of configs. Bifrost stores every non-secret value as text ("5",
 * "true", JSON text) and a secret as url-safe base64 of its Fernet token, under the key derived
 * from that instance's BIFROST_SECRET_KEY (the same derivation as ours).
 */
export const BifrostConfigsExport = z.object({
  bifrost_export_version: z.literal("1.0", { error: 'expected "1.0"' }),
  entity_type: z.literal("configs", { error: 'expected "configs" (export configs from Bifrost)' }),
  contains_encrypted_values: z.boolean(),
  items: z
    .array(
      z.object({
        key: z.string(),
        value: z.string().nullable(),
        config_type: z.string().transform((t, ctx) => {
          const parsed = ConfigType.safeParse(t.toLowerCase());
          if (parsed.success) return parsed.data;
          ctx.addIssue({
            code: "custom",
            message: `unknown config_type ${JSON.stringify(t)}: expected string, int, bool, json or secret`,
          });
          return z.NEVER;
        }),
        description: z.string().nullable().optional(),
        organization_id: z.string().nullable().optional(),
        organization_name: z.string().nullable().optional(),
        integration_name: z.string().nullable().optional(),
      }),
    )
    .max(MAX_BUNDLE_CONFIGS),
});

/** The entries of a Bifrost export; orgs come from `organization_name` (null means global). */
export function bifrostImportSource(document: unknown): ImportSource {
  const parsed = BifrostConfigsExport.safeParse(document);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { items, contains_encrypted_values } = parsed.data;
  const orgNames = [...new Set(items.map((i) => i.organization_name).filter((n): n is string => !!n))];
  return {
    orgs: orgNames.map((name) => ({
      path: `items[${items.findIndex((i) => i.organization_name === name)}].organization_name`,
      name,
    })),
    entries: items.map((item, i) => {
      const secret = item.config_type === "secret";
      return {
        path: `items[${i}]`,
        secretField: "value",
        org: item.organization_name || null,
        key: item.key,
        type: item.config_type,
        description: item.description ?? null,
        value: secret ? null : item.value,
        encrypted: secret && contains_encrypted_values && item.value ? fernetTokenOf(item.value) : null,
        typed: false,
      };
    }),
    encryption: contains_encrypted_values ? { kind: "bifrost" } : { kind: "none" },
  };
}

/** Bifrost wraps the Fernet token in one more url-safe base64; a value that is not that passes through and fails to decrypt later, with its path. */
function fernetTokenOf(stored: string): string {
  const decoded = Buffer.from(stored, "base64url").toString("latin1");
  return decoded.startsWith("gAAAAA") ? decoded : stored;
}
