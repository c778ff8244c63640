import pg from "pg";
import { GLOBAL_SCOPE } from "../src/orgs/index.ts";
import type { BenchEnvironment } from "./environment.ts";

/** How much a scale figure's database holds (seeded with SQL, not through the API). */
export interface ScaleSize {
  orgs: number;
  /** Configs of each org (a fiftieth of them secrets); there are GLOBALS global ones besides. */
  configsPerOrg: number;
  executions: number;
  audit: number;
}

export const LARGE: ScaleSize = { orgs: 10_000, configsPerOrg: 100, executions: 1_000_000, audit: 1_000_000 };
export const SMALL: ScaleSize = { orgs: 10, configsPerOrg: 100, executions: 1_000, audit: 1_000 };
/** Global configs, the same number in both cases: an org's effective list is its own 100 plus these. */
export const GLOBALS = 100;
/** Seeded orgs are `scale-00001` ... */
export const orgName = (i: number) => `scale-${String(i).padStart(5, "0")}`;
/** The tenth of the executions that finished long ago: what the prune figure deletes. */
export const OLD_SHARE = 0.1;
/** Seeded runs finished within the last 30 days, or (the old tenth) more than 60 days ago. */
export const PRUNE_OLDER_THAN = "45d";
/** A filter the seeded rows never match: workflow i % 4 = 0 and status i % 6 = 5 need i even and odd. */
export const NO_MATCH = "workflow=sync_users&status=cancelled";
export const AUDIT_ACTION = "config.delete";

const WORKFLOWS = ["sync_users", "send_report", "charge_card", "rotate_keys"];
const STATUSES = ["success", "success", "success", "failed", "timeout", "cancelled"];
const TRIGGERS = ["api", "schedule", "webhook", "cli", "mcp", "console"];
const ACTIONS = ["config.set", "secret.read", "secret.read", "config.set", "config.delete", "org.create"];
const array = (items: string[]) => `ARRAY[${items.map((i) => `'${i}'`).join(",")}]`;

/**
 * Fills `env`'s PostgreSQL database with `size` rows in a few INSERT ... SELECT statements. Secrets
 * reuse one Fernet token made by the platform (so they decrypt under the bench's key). Returns ms.
 */
export async function seedScale(env: BenchEnvironment, size: ScaleSize): Promise<number> {
  const t0 = performance.now();
  await env.platform.configs.set(
    GLOBAL_SCOPE,
    "scale_secret",
    { type: "secret", value: "scale-secret-0123456789-abcdef" },
    "bench",
  );
  const client = new pg.Client({ connectionString: env.env.DATABASE_URL });
  await client.connect();
  try {
    const steps = [
      `INSERT INTO "orgs" ("id", "name", "createdAt", "createdBy")
         SELECT md5('org' || i)::uuid::text, 'scale-' || lpad(i::text, 5, '0'), now() - interval '90 days', 'bench'
         FROM generate_series(1, ${size.orgs}) i`,
      `INSERT INTO "configs" ("id", "scope", "orgId", "key", "type", "value", "encrypted", "keyFingerprint",
                                "createdAt", "createdBy", "updatedAt", "updatedBy")
         SELECT md5('cfg' || o || '/' || k)::uuid::text, md5('org' || o)::uuid::text, md5('org' || o)::uuid::text,
                'key_' || k, CASE WHEN k % 50 = 0 THEN 'secret' ELSE 'int' END,
                CASE WHEN k % 50 = 0 THEN NULL ELSE (o * 1000 + k)::text END,
                CASE WHEN k % 50 = 0 THEN s."encrypted" END, CASE WHEN k % 50 = 0 THEN s."keyFingerprint" END,
                now(), 'bench', now(), 'bench'
         FROM generate_series(1, ${size.orgs}) o, generate_series(0, ${size.configsPerOrg - 1}) k,
              (SELECT "encrypted", "keyFingerprint" FROM "configs" WHERE "key" = 'scale_secret') s`,
      `INSERT INTO "configs" ("id", "scope", "key", "type", "value", "createdAt", "createdBy", "updatedAt", "updatedBy")
         SELECT md5('gcfg' || k)::uuid::text, 'global', 'global_' || k, 'string', '"global value ' || k || '"',
                now(), 'bench', now(), 'bench'
         FROM generate_series(1, ${GLOBALS - 1}) k`,
      // Newest first by i: the newest 90% within the last 30 days, the oldest 10% over 60 days old.
      // One in ten is global; the rest spread over the orgs.
      `INSERT INTO "executions" ("id", "workflow", "scope", "orgId", "status", "params", "result", "logs", "attempts",
                                   "createdAt", "createdBy", "startedAt", "finishedAt", "durationMs", "trigger", "workerId")
         SELECT md5('ex' || i)::uuid::text, (${array(WORKFLOWS)})[1 + i % 4],
                CASE WHEN i % 10 = 0 THEN 'global' ELSE md5('org' || (1 + i % ${size.orgs}))::uuid::text END,
                CASE WHEN i % 10 = 0 THEN NULL ELSE md5('org' || (1 + i % ${size.orgs}))::uuid::text END,
                (${array(STATUSES)})[1 + i % 6], '{}', 'null', '[]', 1,
                t, 'bench', t, t + interval '20 milliseconds', 20, (${array(TRIGGERS)})[1 + (i / 7) % 6], 'seed:1'
         FROM (SELECT i, CASE WHEN i <= n * ${1 - OLD_SHARE}
                              THEN now() - interval '1 minute' - (i * interval '30 days' / n)
                              ELSE now() - interval '60 days' - ((i - n * ${1 - OLD_SHARE}) * interval '1 second') END AS t
               FROM generate_series(1, ${size.executions}) i, (SELECT ${size.executions}::numeric AS n) c) r`,
      `INSERT INTO "audit_events" ("at", "actor", "action", "scope", "key")
         SELECT now() - interval '1 minute' - ((n - i) * interval '2 seconds'), 'bench', (${array(ACTIONS)})[1 + i % 6],
                CASE WHEN i % 10 = 0 THEN 'global' ELSE md5('org' || (1 + i % ${size.orgs}))::uuid::text END,
                'key_' || (i % 100)
         FROM generate_series(1, ${size.audit}) i, (SELECT ${size.audit} AS n) c`,
    ];
    // Indexes built once after the rows are in, not updated row by row: the executions table has
    // eight, and filling it through them took minutes here.
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT "indexname" AS "name", "indexdef" AS "definition" FROM "pg_indexes"
       WHERE "schemaname" = current_schema() AND "tablename" IN ('configs', 'executions', 'audit_events')
         AND "indexname" NOT LIKE '%_pkey'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    for (const statement of steps) await client.query(statement);
    for (const index of indexes) await client.query(index.definition);
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
  return performance.now() - t0;
}
