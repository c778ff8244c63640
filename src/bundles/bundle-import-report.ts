/** What an import did, or (dry run) would do. The same shape either way. */
export interface ImportReport {
  dryRun: boolean;
  orgs: { created: string[]; existing: number };
  configs: { created: number; updated: number; unchanged: number };
  /** Every config created or updated (unchanged ones are only counted). */
  changes: { org: string | null; key: string; type: string; change: "created" | "updated" }[];
  /** Secrets that exist after the import without a value: set each before a workflow needs it. */
  needsValue: { org: string | null; key: string; howToSet: string }[];
  /** Schedules, matched by org + workflow + cron. */
  schedules: { created: number; updated: number; unchanged: number };
  /** Webhooks, matched by id. */
  webhooks: { created: number; updated: number; unchanged: number };
  /**
   * Webhooks an import created: bundles carry no webhook secrets, so each got a new one nobody
   * has seen. Rotate it to get one to give the sender.
   */
  needsSecret: { org: string | null; webhook: string; workflow: string; howToSet: string }[];
}
