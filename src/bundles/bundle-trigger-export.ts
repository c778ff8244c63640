import type { Database } from "../storage/database.ts";
import type { BundleSchedule, BundleWebhook } from "./bundle-format.ts";

/**
 * The bundle's `schedules` and `webhooks` sections for the exported scopes, each written only when
 * it has entries (a bundle without any stays as it was). Webhooks go without their secrets, in
 * backups too: an imported one gets a new secret. Ordered as configs are (global first, then
 * orgs by name), then by workflow and cron, or id, in code-point order, so bundles diff cleanly.
 * Schedules and webhooks are few next to configs: read in one query each.
 */
export async function* triggerSections(
  db: Database,
  scopes: { id: string; org: string | null }[],
): AsyncGenerator<string> {
  const position = new Map(scopes.map((scope, i) => [scope.id, i]));
  const orgOf = new Map(scopes.map((scope) => [scope.id, scope.org]));
  const inScope = <T extends { scope: string }>(rows: T[]) => rows.filter((row) => position.has(row.scope));
  const byScope = (a: { scope: string }, b: { scope: string }) => position.get(a.scope)! - position.get(b.scope)!;

  const schedules = inScope(await db.prisma.schedule.findMany()).sort(
    (a, b) => byScope(a, b) || byCodePoint(a.workflow, b.workflow) || byCodePoint(a.cron, b.cron),
  );
  if (schedules.length > 0) {
    const entries = schedules.map((row): BundleSchedule => ({
      org: orgOf.get(row.scope) ?? null,
      workflow: row.workflow,
      cron: row.cron,
      timezone: row.timezone,
      params: JSON.parse(row.params),
      enabled: row.enabled,
      overlap: row.overlap as BundleSchedule["overlap"],
    }));
    yield `,\n  "schedules": [${entries.map((entry) => `\n    ${JSON.stringify(entry)}`).join(",")}\n  ]`;
  }

  const webhooks = inScope(
    await db.prisma.webhook.findMany({ select: { id: true, scope: true, workflow: true, description: true } }),
  ).sort((a, b) => byScope(a, b) || byCodePoint(a.id, b.id));
  if (webhooks.length > 0) {
    const entries = webhooks.map((row): BundleWebhook => ({
      org: orgOf.get(row.scope) ?? null,
      id: row.id,
      workflow: row.workflow,
      description: row.description,
    }));
    yield `,\n  "webhooks": [${entries.map((entry) => `\n    ${JSON.stringify(entry)}`).join(",")}\n  ]`;
  }
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
