import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// Cursor pages of GET /api/executions, /api/audit and /api/orgs: `limit=`, `cursor=` and
// `Link: <...>; rel="next"`, stable while rows are inserted between pages.

let t: TestPlatform;
let admin: Api;
beforeAll(async () => {
  // No worker: started runs stay pending, which is all a list needs.
  t = await startTestPlatform();
  admin = t.api(t.adminToken);
});
afterAll(() => t?.close());

/** The `Link` rel="next" target of a response, or null. */
async function page(path: string): Promise<{ rows: any[]; next: string | null; status: number }> {
  const response = await fetch(t.url + path, { headers: { authorization: `Bearer ${t.adminToken}` } });
  const link = response.headers.get("link");
  const match = link?.match(/^<([^>]+)>; rel="next"$/);
  expect(link === null || match !== null, `Link: ${link}`).toBe(true);
  return { rows: (await response.json()) as any[], next: match ? match[1] : null, status: response.status };
}

/** Every row by following rel="next" from `path`, calling `between` after each page. */
async function walk(path: string, between: (pageNo: number) => Promise<void> = async () => {}): Promise<any[][]> {
  const pages: any[][] = [];
  for (let next: string | null = path; next !== null;) {
    const { rows, next: following, status } = await page(next);
    expect(status).toBe(200);
    pages.push(rows);
    next = following;
    await between(pages.length);
  }
  return pages;
}

const startNoop = async () => (await admin("POST", "/api/workflows/noop/executions", {})).body.id as string;

describe("cursor pages", () => {
  it("executions: pages newest first by (createdAt, id), stable while runs are started between pages", async () => {
    // Started together: many share a millisecond, so the id must break ties.
    const first = await Promise.all(Array.from({ length: 23 }, startNoop));
    const all = (await admin("GET", "/api/executions?workflow=noop&limit=1000")).body.map((e: { id: string }) => e.id);
    expect(all).toHaveLength(23);
    expect(new Set(all)).toEqual(new Set(first));

    const added: string[] = [];
    const pages = await walk("/api/executions?workflow=noop&limit=5", async () => {
      added.push(...(await Promise.all([startNoop(), startNoop()])));
    });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    // Exactly the rows there were when paging began, in order: new ones neither shift nor repeat rows.
    expect(pages.flat().map((e) => e.id)).toEqual(all);
    expect(added).toHaveLength(10);

    // The filters stay in the next link; an org token's pages are its org's.
    const orgToken = await t.orgToken("pages-acme");
    const org = t.api(orgToken);
    for (let i = 0; i < 3; i++) expect((await org("POST", "/api/workflows/noop/executions", {})).status).toBe(202);
    const firstOrgPage = await fetch(`${t.url}/api/executions?limit=2`, {
      headers: { authorization: `Bearer ${orgToken}` },
    });
    const next = firstOrgPage.headers.get("link")!.match(/^<([^>]+)>/)![1];
    expect(next).toMatch(/^\/api\/executions\?limit=2&cursor=[A-Za-z0-9_-]+$/);
    const second = await org("GET", next);
    expect(second.body).toHaveLength(1);
    expect(
      [...((await firstOrgPage.json()) as any[]), ...second.body].every(
        (e: { org: { name: string } }) => e.org.name === "pages-acme",
      ),
    ).toBe(true);
  });

  it("audit: pages newest first, filtered by action, stable while rows are added", async () => {
    for (let i = 0; i < 12; i++)
      await t.platform.configs.set(GLOBAL_SCOPE, `page_key_${i}`, { type: "string", value: `v${i}` }, "test");
    const all = (await admin("GET", "/api/audit?action=config.create&limit=1000")).body;
    const pages = await walk("/api/audit?action=config.create&limit=5", async (n) => {
      await t.platform.configs.set(GLOBAL_SCOPE, `page_key_new_${n}`, { type: "string", value: "x" }, "test");
    });
    expect(pages.flat()).toEqual(all);
    expect(pages.flat().every((row) => row.action === "config.create" && !("id" in row))).toBe(true);
  });

  it("orgs: pages by name, stable while orgs are created", async () => {
    for (const name of ["pg-a", "pg-b", "pg-c", "pg-d", "pg-e"]) await t.platform.orgs.create(name, "test");
    const all = (await admin("GET", "/api/orgs")).body.map((o: { name: string }) => o.name);
    const pages = await walk("/api/orgs?limit=2", async (n) => {
      await t.platform.orgs.create(`pg-new-${n}`, "test");
    });
    // Names created after the cursor sort after it and may show up; none before it is missed.
    const names = pages.flat().map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of all) expect(names).toContain(name);
    expect([...names].sort()).toEqual(names);
  });

  it("stats: counts by status, workflow and trigger for a scope and time range", async () => {
    const since = new Date().toISOString();
    await Promise.all([
      startNoop(),
      startNoop(),
      admin("POST", "/api/workflows/echo_params/executions", { params: { n: 1 } }, { "Bifrost-Trigger": "cli" }),
    ]);
    const org = t.api(await t.orgToken("stats-acme"));
    expect((await org("POST", "/api/workflows/noop/executions", {})).status).toBe(202);
    const res = await admin("GET", `/api/executions/stats?since=${encodeURIComponent(since)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      byStatus: { pending: 4 },
      byWorkflow: { noop: 3, echo_params: 1 },
      byTrigger: { api: 3, cli: 1 },
    });
    expect(
      (await admin("GET", `/api/executions/stats?since=${encodeURIComponent(since)}&scope=global`)).body.byWorkflow,
    ).toEqual({ noop: 2, echo_params: 1 });
    // An org token counts its own org's only; `until` bounds the range.
    expect((await org("GET", `/api/executions/stats?since=${encodeURIComponent(since)}`)).body).toEqual({
      byStatus: { pending: 1 },
      byWorkflow: { noop: 1 },
      byTrigger: { api: 1 },
    });
    expect(
      (await admin("GET", `/api/executions/stats?until=${encodeURIComponent(since)}&scope=stats-acme`)).body,
    ).toEqual({ byStatus: {}, byWorkflow: {}, byTrigger: {} });
    for (const query of ["since=yesterday", "until=1", "scope="])
      expect((await admin("GET", `/api/executions/stats?${query}`)).status, query).toBe(400);
    expect((await org("GET", "/api/executions/stats?scope=global")).status).toBe(403);
  });

  it("orgs: names differing only in case are refused, by the unique index on the folded name even when created at once", async () => {
    const results = await Promise.all(
      ["Twin-Org", "twin-org", "TWIN-ORG"].map((name) => admin("POST", "/api/orgs", { name })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe("ORG_EXISTS");
    expect((await admin("POST", "/api/orgs", { name: "twin-Org" })).status).toBe(409);
  });

  it("refuses a cursor it did not give, and a limit out of range, with 400 VALIDATION_ERROR", async () => {
    const auditCursor = Buffer.from(JSON.stringify([5])).toString("base64url");
    for (const path of [
      "/api/executions?cursor=nope!",
      `/api/executions?cursor=${auditCursor}`,
      "/api/executions?cursor=",
      "/api/executions?limit=0",
      "/api/executions?limit=1001",
      `/api/audit?cursor=${Buffer.from('["x"]').toString("base64url")}`,
      "/api/audit?cursor=%00",
      "/api/orgs?cursor=e30",
      "/api/orgs?limit=-1",
    ]) {
      const res = await admin("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe("VALIDATION_ERROR");
    }
  });
});
