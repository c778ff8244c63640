/** What an import did, or (dry run) would do. The same shape either way. */
export interface ImportReport {
  dryRun: boolean;
  orgs: { created: string[]; existing: number };
  configs: { created: number; updated: number; unchanged: number };
  /** Every config created or updated (unchanged ones are only counted). */
  changes: { org: string | null; key: string; type: string; change: "created" | "updated" }[];
  /** Secrets that exist after the import without a value: set each before a workflow needs it. */
  needsValue: { org: string | null; key: string; howToSet: string }[];
}
