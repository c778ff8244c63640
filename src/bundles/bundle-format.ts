import { z } from "zod";
import { ConfigType } from "../configs/config-type.ts";
import { ValidationError, type ValidationIssue } from "../errors/index.ts";
import type { ImportSource } from "./import-source.ts";

/** The bundle document of ../shared/CONTRACT.md, version 1. */
export const BUNDLE_FORMAT = "bifrost-ts/bundle";
export const BUNDLE_VERSION = 1;

/** Upper bounds that keep one import to one reasonable transaction. */
export const MAX_BUNDLE_CONFIGS = 100_000;
export const MAX_BUNDLE_ORGS = 10_000;
export const MAX_BUNDLE_SCHEDULES = 10_000;
export const MAX_BUNDLE_WEBHOOKS = 10_000;

export const BundleConfig = z.strictObject({
  org: z.string().nullable(),
  key: z.string(),
  type: ConfigType,
  description: z.string().nullable(),
  value: z.unknown(),
  /** Backups only: the secret's Fernet token under the bundle's `keyFingerprint` key (null: no value). */
  encrypted: z.string().nullable().optional(),
});
export type BundleConfig = z.infer<typeof BundleConfig>;

/** A schedule: matched on import by org + workflow + cron. */
export const BundleSchedule = z.strictObject({
  org: z.string().nullable(),
  workflow: z.string(),
  cron: z.string(),
  timezone: z.string(),
  params: z.unknown(),
  enabled: z.boolean(),
  overlap: z.enum(["skip", "allow"]),
});
export type BundleSchedule = z.infer<typeof BundleSchedule>;

/** A webhook, never its secret: matched on import by id; one created by an import gets a new secret. */
export const BundleWebhook = z.strictObject({
  org: z.string().nullable(),
  id: z.string(),
  workflow: z.string(),
  description: z.string().nullable(),
});
export type BundleWebhook = z.infer<typeof BundleWebhook>;

export const Bundle = z.strictObject({
  format: z.literal(BUNDLE_FORMAT, { error: `expected "${BUNDLE_FORMAT}"` }),
  version: z.number().refine((v) => v === BUNDLE_VERSION, {
    error: (issue) => `unsupported version ${String(issue.input)}: this server reads version ${BUNDLE_VERSION}`,
  }),
  exportedAt: z.iso.datetime({ offset: true }).optional(),
  portable: z.boolean(),
  /** Backups only: the fingerprint of the key the secrets are encrypted under. */
  keyFingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "expected 16 hex characters")
    .optional(),
  orgs: z.array(z.strictObject({ name: z.string() })).max(MAX_BUNDLE_ORGS),
  configs: z.array(BundleConfig).max(MAX_BUNDLE_CONFIGS),
  /** Written only when there are any. */
  schedules: z.array(BundleSchedule).max(MAX_BUNDLE_SCHEDULES).optional(),
  webhooks: z.array(BundleWebhook).max(MAX_BUNDLE_WEBHOOKS).optional(),
});
export type Bundle = z.infer<typeof Bundle>;

/** A bundle document, validated for shape (unknown fields, types, sizes), as import entries. */
export function bundleImportSource(document: unknown): ImportSource {
  const parsed = Bundle.safeParse(document);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const bundle = parsed.data;
  const issues: ValidationIssue[] = [];
  if (bundle.portable && bundle.keyFingerprint !== undefined)
    issues.push({ path: "keyFingerprint", message: "a portable bundle carries no keyFingerprint" });
  bundle.configs.forEach((c, i) => {
    if (c.encrypted != null && bundle.portable)
      issues.push({ path: `configs[${i}].encrypted`, message: "a portable bundle carries no encrypted values" });
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    orgs: bundle.orgs.map((org, i) => ({ path: `orgs[${i}].name`, name: org.name })),
    entries: bundle.configs.map((c, i) => ({
      path: `configs[${i}]`,
      secretField: c.encrypted != null ? "encrypted" : "value",
      org: c.org,
      key: c.key,
      type: c.type,
      description: c.description,
      value: c.value,
      encrypted: c.encrypted,
      typed: true,
    })),
    encryption: bundle.portable ? { kind: "none" } : { kind: "bundle", keyFingerprint: bundle.keyFingerprint },
    schedules: (bundle.schedules ?? []).map((entry, i) => ({ path: `schedules[${i}]`, ...entry })),
    webhooks: (bundle.webhooks ?? []).map((entry, i) => ({ path: `webhooks[${i}]`, ...entry })),
  };
}
