import { z } from "zod";
import { ConfigType } from "../configs/config-type.ts";
import { ValidationError } from "../errors/index.ts";
import type { Scope } from "../orgs/index.ts";
import type { ImportSource } from "./import-source.ts";

/** The most configs one scope import takes (as a bundle's). */
const MAX_CONFIGS = 100_000;

/** `POST /api/configs/import`: keys for one scope, typed; a secret's value given as the value. */
export const ScopeImport = z
  .strictObject({
    configs: z
      .array(
        z.strictObject({
          key: z.string().meta({ example: "STRIPE_API_KEY" }),
          type: ConfigType,
          value: z.unknown().meta({ description: "As `PUT /api/configs/{key}` takes it; a secret's is its value" }),
          description: z
            .string()
            .nullable()
            .optional()
            .meta({ description: "Omitted: an existing row keeps its description" }),
        }),
      )
      .min(1, "give at least one config")
      .max(MAX_CONFIGS),
  })
  .meta({
    id: "ScopeImport",
    description: "Configs to write into one scope, all or nothing (a .env or JSON file, as the console reads it)",
    example: {
      configs: [
        { key: "REGION", type: "string", value: "eu-west" },
        { key: "STRIPE_API_KEY", type: "secret", value: "sk_live_..." },
      ],
    },
  });

/** The import source for `document` written into `scope`: the bundle importer's rules, secrets as values. */
export function scopeImportSource(scope: Scope, document: unknown): ImportSource {
  const parsed = ScopeImport.safeParse(document);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, "body");
  const org = scope.kind === "org" ? scope.org.name : null;
  return {
    orgs: org === null ? [] : [{ path: "scope", name: org }],
    encryption: { kind: "plaintext" },
    entries: parsed.data.configs.map((config, i) => ({
      path: `configs[${i}]`,
      secretField: "value",
      org,
      key: config.key,
      type: config.type,
      description: config.description,
      value: config.value,
      // As PUT takes values: "5" is an int, "true" a bool (a .env holds only text).
      typed: false,
    })),
  };
}
