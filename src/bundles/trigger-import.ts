import { randomUUID } from "node:crypto";
import { ValidationError, type ValidationIssue } from "../errors/index.ts";
import { cronProblem, shortestInterval, timezoneProblem } from "../schedules/cron-schedule.ts";
import { normalizeCron } from "../schedules/schedule-service.ts";
import type { SecretCipher } from "../secrets/index.ts";
import type { Database, Transaction } from "../storage/database.ts";
import { isWebhookId, newWebhookSecret } from "../webhooks/webhook-secret.ts";
import type { ImportReport } from "./import-report-view.ts";
import type { ImportSource } from "./import-source.ts";

// The schedules and webhooks of a bundle import: checked with the configs (every problem with its
// path), then planned and written in the import's transaction. Workflows are not looked up: a
// bundle may arrive before the workflow files do (a fire then records why it could not run).

const WORKFLOW_NAME = /^[a-z0-9_]{1,100}$/;

export interface CheckedSchedule {
  path: string;
  org: string | null;
  workflow: string;
  /** Normalized (single spaces), as stored. */
  cron: string;
  timezone: string;
  /** JSON text, as stored. */
  params: string;
  enabled: boolean;
  overlap: "skip" | "allow";
}

export interface CheckedWebhook {
  path: string;
  org: string | null;
  id: string;
  workflow: string;
  description: string | null;
}

export interface CheckedTriggers {
  schedules: CheckedSchedule[];
  webhooks: CheckedWebhook[];
}

/** @param orgs the bundle's org names, lower-cased, to the path that listed them */
export function checkTriggers(
  source: ImportSource,
  orgs: Map<string, string>,
  minIntervalS: number,
  issues: ValidationIssue[],
): CheckedTriggers {
  const checked: CheckedTriggers = { schedules: [], webhooks: [] };
  const orgListed = (path: string, org: string | null) => {
    if (org !== null && !orgs.has(org.toLowerCase()))
      issues.push({ path: `${path}.org`, message: `org ${JSON.stringify(org)} is not listed in orgs` });
  };
  const seenSchedules = new Map<string, string>();
  for (const entry of source.schedules ?? []) {
    const before = issues.length;
    const at = (field: string) => `${entry.path}.${field}`;
    orgListed(entry.path, entry.org);
    if (!WORKFLOW_NAME.test(entry.workflow))
      issues.push({ path: at("workflow"), message: "a workflow name is 1 to 100 of [a-z0-9_]" });
    const cron = normalizeCron(entry.cron);
    const cronIssue = cron.length > 200 ? "at most 200 characters" : cronProblem(cron);
    if (cronIssue) issues.push({ path: at("cron"), message: cronIssue });
    else if (shortestInterval(cron) < minIntervalS)
      issues.push({
        path: at("cron"),
        message: `fires as often as every ${shortestInterval(cron)} s; a schedule may fire at most every ${minIntervalS} s (BIFROST_SCHEDULE_MIN_INTERVAL_S)`,
      });
    const zoneIssue = entry.timezone.length > 100 ? "at most 100 characters" : timezoneProblem(entry.timezone);
    if (zoneIssue) issues.push({ path: at("timezone"), message: zoneIssue });
    const identity = `${entry.org?.toLowerCase() ?? ""}\u0000${entry.workflow}\u0000${cron}`;
    const first = seenSchedules.get(identity);
    if (first)
      issues.push({
        path: entry.path,
        message: `duplicate of ${first}: a schedule is matched by org, workflow and cron`,
      });
    seenSchedules.set(identity, first ?? entry.path);
    if (issues.length > before) continue;
    checked.schedules.push({
      path: entry.path,
      org: entry.org,
      workflow: entry.workflow,
      cron,
      timezone: entry.timezone,
      params: JSON.stringify(entry.params ?? {}),
      enabled: entry.enabled,
      overlap: entry.overlap,
    });
  }
  const seenHooks = new Map<string, string>();
  for (const entry of source.webhooks ?? []) {
    const before = issues.length;
    const at = (field: string) => `${entry.path}.${field}`;
    orgListed(entry.path, entry.org);
    if (!isWebhookId(entry.id))
      issues.push({ path: at("id"), message: "not a webhook id (wh_ and 24 characters of [A-Za-z0-9_-])" });
    if (!WORKFLOW_NAME.test(entry.workflow))
      issues.push({ path: at("workflow"), message: "a workflow name is 1 to 100 of [a-z0-9_]" });
    if (entry.description !== null && (entry.description.length > 1000 || entry.description.includes("\u0000")))
      issues.push({ path: at("description"), message: "at most 1000 characters, without NUL" });
    const first = seenHooks.get(entry.id);
    if (first) issues.push({ path: at("id"), message: `duplicate of ${first}` });
    seenHooks.set(entry.id, first ?? entry.path);
    if (issues.length > before) continue;
    checked.webhooks.push({
      path: entry.path,
      org: entry.org,
      id: entry.id,
      workflow: entry.workflow,
      description: entry.description,
    });
  }
  return checked;
}

/**
 * Compares the checked schedules and webhooks with the database, fills their part of `report`,
 * and returns the function that writes the difference (inside the import's transaction).
 * Schedules match by org + workflow + cron; webhooks by id. A webhook whose id exists here for
 * another org or workflow is refused (the import writes nothing). A created webhook gets a new
 * secret nobody has seen, listed in `needsSecret`.
 */
export async function planTriggers(
  db: Database["prisma"] | Transaction,
  checked: CheckedTriggers,
  scopeOf: (org: string | null) => string,
  orgNameOf: (org: string | null) => string | null,
  cipher: SecretCipher,
  report: ImportReport,
): Promise<(actor: string) => Promise<void>> {
  const scopes = [...new Set(checked.schedules.map((s) => scopeOf(s.org)))];
  const existingSchedules = scopes.length ? await db.schedule.findMany({ where: { scope: { in: scopes } } }) : [];
  const scheduleOf = new Map(
    existingSchedules.map((row) => [`${row.scope}\u0000${row.workflow}\u0000${row.cron}`, row]),
  );
  const createSchedules: CheckedSchedule[] = [];
  const updateSchedules: { id: string; entry: CheckedSchedule }[] = [];
  for (const entry of checked.schedules) {
    const row = scheduleOf.get(`${scopeOf(entry.org)}\u0000${entry.workflow}\u0000${entry.cron}`);
    if (!row) createSchedules.push(entry);
    else if (
      row.timezone !== entry.timezone ||
      row.params !== entry.params ||
      row.enabled !== entry.enabled ||
      row.overlap !== entry.overlap
    )
      updateSchedules.push({ id: row.id, entry });
    else report.schedules.unchanged++;
  }
  report.schedules.created = createSchedules.length;
  report.schedules.updated = updateSchedules.length;

  const ids = checked.webhooks.map((w) => w.id);
  const existingHooks = ids.length ? await db.webhook.findMany({ where: { id: { in: ids } } }) : [];
  const hookOf = new Map(existingHooks.map((row) => [row.id, row]));
  const createHooks: CheckedWebhook[] = [];
  const updateHooks: CheckedWebhook[] = [];
  const issues: ValidationIssue[] = [];
  for (const entry of checked.webhooks) {
    const row = hookOf.get(entry.id);
    if (!row) createHooks.push(entry);
    else if (row.scope !== scopeOf(entry.org) || row.workflow !== entry.workflow)
      issues.push({ path: `${entry.path}.id`, message: "this webhook exists here for another org or workflow" });
    else if (row.description !== entry.description) updateHooks.push(entry);
    else report.webhooks.unchanged++;
  }
  if (issues.length > 0) throw new ValidationError(issues);
  report.webhooks.created = createHooks.length;
  report.webhooks.updated = updateHooks.length;
  report.needsSecret = createHooks.map((entry) => ({
    org: orgNameOf(entry.org),
    webhook: entry.id,
    workflow: entry.workflow,
    howToSet: `bifrost webhooks rotate-secret ${entry.id}`,
  }));

  return async (actor) => {
    const tx = db as Transaction;
    const orgIdOf = (org: string | null) => (org === null ? null : scopeOf(org));
    if (createSchedules.length) {
      await tx.schedule.createMany({
        data: createSchedules.map((entry) => {
          const { path: _path, org, ...fields } = entry;
          return {
            ...fields,
            id: randomUUID(),
            scope: scopeOf(org),
            orgId: orgIdOf(org),
            createdBy: actor,
            updatedBy: actor,
          };
        }),
      });
    }
    for (const { id, entry } of updateSchedules) {
      await tx.schedule.update({
        where: { id },
        data: {
          timezone: entry.timezone,
          params: entry.params,
          enabled: entry.enabled,
          overlap: entry.overlap,
          updatedBy: actor,
        },
      });
    }
    for (const entry of createHooks) {
      const secret = cipher.encrypt(newWebhookSecret());
      await tx.webhook.create({
        data: {
          id: entry.id,
          scope: scopeOf(entry.org),
          orgId: orgIdOf(entry.org),
          workflow: entry.workflow,
          description: entry.description,
          encrypted: secret.token,
          keyFingerprint: secret.keyFingerprint,
          createdBy: actor,
        },
      });
    }
    for (const entry of updateHooks)
      await tx.webhook.update({ where: { id: entry.id }, data: { description: entry.description } });
  };
}
