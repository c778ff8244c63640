import type { ConfigType } from "../configs/config-type.ts";

/**
 * What an import reads, whatever the document it came from (a bundle, or a Python Bifrost
 * export): each entry remembers its path in the document, so every problem names where it is.
 */
export interface ImportSource {
  orgs: { path: string; name: unknown }[];
  entries: ImportEntry[];
  /**
   * Where encrypted values come from: a bundle's key fingerprint, or a Bifrost export's key.
   * "plaintext": a scope import (POST /api/configs/import), whose secrets come as values, over the
   * same request a PUT of one would be; they are never compared with the stored ones (no oracle).
   */
  encryption:
    | { kind: "bundle"; keyFingerprint: string | undefined }
    | { kind: "bifrost" }
    | { kind: "none" }
    | { kind: "plaintext" };
  /** Bundles only. */
  schedules?: ScheduleImportEntry[];
  /** Bundles only. */
  webhooks?: WebhookImportEntry[];
}

export interface ScheduleImportEntry {
  /** e.g. `schedules[2]`. */
  path: string;
  org: string | null;
  workflow: string;
  cron: string;
  timezone: string;
  params: unknown;
  enabled: boolean;
  overlap: "skip" | "allow";
}

export interface WebhookImportEntry {
  /** e.g. `webhooks[0]`. */
  path: string;
  org: string | null;
  id: string;
  workflow: string;
  description: string | null;
}

export interface ImportEntry {
  /** e.g. `configs[3]` or `items[3]`. */
  path: string;
  /** Where the value sits under `path` (`value` in both formats; `encrypted` for a backup's secret). */
  secretField: "value" | "encrypted";
  org: string | null;
  key: unknown;
  type: ConfigType;
  /** Undefined: the source says nothing of it (a scope import), so an existing row keeps its own. */
  description: string | null | undefined;
  value: unknown;
  /** A secret's Fernet token under the source key; null or undefined: no value. */
  encrypted?: string | null;
  /** Values already typed (bundles) or text to coerce to their type (Bifrost stores text). */
  typed: boolean;
}
