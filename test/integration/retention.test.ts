import { afterEach, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/platform/settings.ts";
import { sql } from "../../src/storage/database.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { runCli } from "./cli-runner.ts";

// Retention: finished executions (and their log lines) past BIFROST_EXECUTION_RETENTION_DAYS are
// deleted in the background; audit rows only when BIFROST_AUDIT_RETENTION_DAYS says so; and
// `bifrost executions prune` / POST /api/executions/prune for operators.

const platforms: TestPlatform[] = [];
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((p) => p.close()));
});
async function platform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const t = await startTestPlatform({ worker: true, env });
  platforms.push(t);
  return t;
}

const SECOND_IN_DAYS = 1 / 86_400;

async function runEcho(t: TestPlatform, n: number): Promise<string> {
  const res = await t.api(t.adminToken)("POST", "/api/workflows/echo_params/executions?wait=20000", { params: { n } });
  expect(res.body.status).toBe("success");
  expect(res.body.logs).toHaveLength(1);
  return res.body.id;
}
async function count(t: TestPlatform, table: "executions" | "execution_logs" | "audit_events"): Promise<number> {
  const [row] = await t.platform.db.direct.query<{ n: number | bigint }>(
    table === "executions"
      ? sql`SELECT COUNT(*) AS "n" FROM "executions"`
      : table === "execution_logs"
        ? sql`SELECT COUNT(*) AS "n" FROM "execution_logs"`
        : sql`SELECT COUNT(*) AS "n" FROM "audit_events"`,
  );
  return Number(row.n);
}

describe("retention", () => {
  it("deletes finished executions and their lines past the retention in the background, never a running one; audit rows too when asked", async () => {
    const t = await platform({
      BIFROST_EXECUTION_RETENTION_DAYS: String(2 * SECOND_IN_DAYS),
      BIFROST_AUDIT_RETENTION_DAYS: String(2 * SECOND_IN_DAYS),
      BIFROST_RETENTION_INTERVAL_MS: "200",
    });
    const admin = t.api(t.adminToken);
    const ids = [await runEcho(t, 1), await runEcho(t, 2)];
    const running = (await admin("POST", "/api/workflows/slow/executions", { params: { ms: 8_000 } })).body.id;
    await t.platform.configs.set({ kind: "global" }, "retention_probe", { type: "string", value: "x" }, "test");
    expect(await count(t, "audit_events")).toBeGreaterThan(0);

    await expect
      .poll(async () => (await admin("GET", `/api/executions/${ids[1]}`)).status, { timeout: 15_000, interval: 100 })
      .toBe(404);
    expect((await admin("GET", `/api/executions/${ids[0]}`)).status).toBe(404);
    const [lines] = await t.platform.db.direct.query<{ n: number | bigint }>(
      sql`SELECT COUNT(*) AS "n" FROM "execution_logs" WHERE "executionId" IN (${ids[0]}, ${ids[1]})`,
    );
    expect(Number(lines.n)).toBe(0);
    expect((await admin("GET", `/api/executions/${running}`)).body.status).toBe("running");
    await expect.poll(() => count(t, "audit_events"), { timeout: 10_000, interval: 100 }).toBe(0);
    // One process held the lock for each pass and said what it did.
    expect(t.logs()).toMatch(/retention: old executions deleted/);
    await admin("POST", `/api/executions/${running}/cancel`);
  });

  it("`bifrost executions prune` counts with --dry-run, then deletes; audit rows stay by default; admins only", async () => {
    const t = await platform();
    const admin = t.api(t.adminToken);
    const ids = [await runEcho(t, 1), await runEcho(t, 2), await runEcho(t, 3)];
    const auditRows = await count(t, "audit_events");
    const env = t.env();

    const none = await runCli(["executions", "prune", "--older-than", "1d", "--json"], { env });
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ executions: 0, logLines: 0, dryRun: false });

    const dry = await runCli(["executions", "prune", "--older-than", "0s", "--dry-run", "--json"], { env });
    expect(JSON.parse(dry.stdout)).toMatchObject({ executions: 3, logLines: 3, dryRun: true });
    expect((await admin("GET", `/api/executions/${ids[0]}`)).status).toBe(200);

    const done = await runCli(["executions", "prune", "--older-than", "0s"], { env });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^deleted 3 execution\(s\) and 3 log line\(s\) finished before \d{4}-/);
    for (const id of ids) expect((await admin("GET", `/api/executions/${id}`)).status).toBe(404);
    expect(await count(t, "executions")).toBe(0);
    expect(await count(t, "execution_logs")).toBe(0);
    expect(await count(t, "audit_events")).toBe(auditRows);

    // The default is the retention setting (30 days): nothing that young goes.
    expect((await admin("POST", "/api/executions/prune", {})).body).toMatchObject({ executions: 0, dryRun: false });
    for (const body of [{ olderThan: "7 days" }, { olderThan: "-1d" }, { dryRun: "yes" }, { extra: 1 }]) {
      const res = await admin("POST", "/api/executions/prune", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    const org = t.api(await t.orgToken("prune-acme"));
    expect((await org("POST", "/api/executions/prune", { olderThan: "0s" })).status).toBe(403);
  }, 60_000);

  it("validates the retention settings", () => {
    const base = { BIFROST_HOME: "/tmp/bifrost-retention-settings" };
    expect(loadSettings(base)).toMatchObject({ executionRetentionDays: 30, auditRetentionDays: "never" });
    expect(
      loadSettings({ ...base, BIFROST_EXECUTION_RETENTION_DAYS: "never", BIFROST_AUDIT_RETENTION_DAYS: "365" }),
    ).toMatchObject({ executionRetentionDays: "never", auditRetentionDays: 365 });
    for (const bad of ["0", "-1", "soon", "100000"])
      expect(() => loadSettings({ ...base, BIFROST_EXECUTION_RETENTION_DAYS: bad }), bad).toThrow(
        /executionRetentionDays/,
      );
  });
});
