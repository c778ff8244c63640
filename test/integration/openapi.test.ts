import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { SessionView } from "../../src/auth/session-view.ts";
import { CreatedToken, TokenView } from "../../src/auth/token-view.ts";
import { ConfigWriteView, EffectiveConfigView } from "../../src/configs/config-view.ts";
import { openApiDocument } from "../../src/http/openapi/openapi-document.ts";
import { OrgView } from "../../src/orgs/org-view.ts";
import { WorkflowList } from "../../src/workflows/workflow-view.ts";
import { AuditRecord } from "../../src/audit/audit-view.ts";
import { ExecutionSummary, ExecutionView } from "../../src/executions/execution-view.ts";
import { LogPage } from "../../src/executions/log-page-view.ts";
import { ScheduleView } from "../../src/schedules/schedule-view.ts";
import { WebhookView, WebhookWithSecret } from "../../src/webhooks/webhook-view.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// The API document is generated from the views' zod schemas (src/http/openapi/); this checks what
// Redocly's linter (npm run lint:openapi) cannot: that the server serves exactly that document,
// that the views describe the real answers, and that the reference page works without a CDN.

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};
const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({
    route: `${method.toUpperCase()} ${path}`,
    operation,
  })),
);
/** The routes that take no input and no token: nothing of theirs answers 4xx. */
const CANNOT_FAIL = ["GET /health", "GET /api/openapi.json", "GET /api/docs"];

/** `schema` with unknown fields refused at every level of its own object (not of nested views). */
const exactly = <T extends z.ZodObject>(schema: T) => z.strictObject(schema.shape);

describe("the API document", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(() => t?.close());

  it("is served at /api/openapi.json, without a token, exactly as generated", async () => {
    const res = await fetch(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it("names every operation once, tags it, and describes every answer", () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { route, operation } of operations) {
      expect(operation.summary, route).toBeTruthy();
      expect(operation.tags?.length, route).toBe(1);
      for (const [status, response] of Object.entries(operation.responses))
        expect(response.description, `${route} ${status}`).toBeTruthy();
    }
  });

  it("answers every failure of every operation with the one error schema, and 401 wherever a token is needed", () => {
    for (const { route, operation } of operations) {
      const failures = Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status));
      if (CANNOT_FAIL.includes(route)) continue;
      expect(failures.length, route).toBeGreaterThan(0);
      for (const [status, response] of failures)
        expect(response.content?.["application/json"]?.schema, `${route} ${status}`).toEqual({
          $ref: "#/components/schemas/Error",
        });
      if (operation.security?.length !== 0) expect(Object.keys(operation.responses), route).toContain("401");
    }
  });

  it("lists the routes of every domain, MCP's and the webhook deliveries'", () => {
    expect(operations.map((o) => o.route)).toEqual(
      expect.arrayContaining([
        "GET /api/session",
        "GET /api/tokens",
        "PATCH /api/schedules/{id}",
        "POST /api/webhooks/{id}/rotate-secret",
        "POST /hooks/{id}",
        "GET /api/export",
        "POST /api/import",
        "GET /api/executions/{id}/logs",
        "GET /api/executions/{id}/events",
        "GET /api/executions/stats",
        "POST /api/executions/prune",
        "POST /mcp",
        "POST /mcp/{scope}",
        "GET /api/mcp/config",
      ]),
    );
  });

  it("describes the real answers: the views' schemas parse them, with no field left out", async () => {
    const admin = t.api(t.adminToken);
    const org = await admin("POST", "/api/orgs", { name: "openapi-views" });
    expect(org.status).toBe(201);
    exactly(OrgView).parse(org.body);
    const token = await admin("POST", "/api/tokens", {
      name: "views",
      org: "openapi-views",
      readOnly: true,
      expiresIn: "1d",
    });
    expect(token.status).toBe(201);
    exactly(CreatedToken).parse(token.body);
    z.array(exactly(TokenView)).parse((await admin("GET", "/api/tokens")).body);
    exactly(SessionView).parse((await t.api(token.body.token)("GET", "/api/session")).body);
    const written = await admin("PUT", "/api/configs/max_retries?scope=openapi-views", { type: "int", value: "5" });
    expect(written.status).toBe(201);
    exactly(ConfigWriteView).parse(written.body);
    exactly(EffectiveConfigView).parse((await admin("GET", "/api/configs/max_retries?scope=openapi-views")).body);
    WorkflowList.parse((await admin("GET", "/api/workflows")).body);
    z.array(exactly(AuditRecord))
      .min(1)
      .parse((await admin("GET", "/api/audit?scope=openapi-views")).body);

    const run = await admin("POST", "/api/workflows/noop/executions?scope=openapi-views", { params: {} });
    expect(run.status).toBe(202);
    exactly(ExecutionView).parse(run.body);
    exactly(LogPage).parse((await admin("GET", `/api/executions/${run.body.id}/logs`)).body);
    z.array(exactly(ExecutionSummary))
      .min(1)
      .parse((await admin("GET", "/api/executions?scope=openapi-views")).body);
    const schedule = await admin("POST", "/api/schedules?scope=openapi-views", { workflow: "noop", cron: "0 3 * * *" });
    expect(schedule.status).toBe(201);
    exactly(ScheduleView).parse(schedule.body);
    const hook = await admin("POST", "/api/webhooks?scope=openapi-views", { workflow: "noop" });
    expect(hook.status).toBe(201);
    exactly(WebhookWithSecret).parse(hook.body);
    z.array(exactly(WebhookView))
      .min(1)
      .parse((await admin("GET", "/api/webhooks?scope=openapi-views")).body);
  });
});

describe("the API reference at /api/docs", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(() => t?.close());

  it("is a page whose scripts this server serves itself, under a policy that allows only them", async () => {
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-eval");
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]!);
    expect(scripts).toEqual(["/api/docs/redoc.standalone.js", "/api/docs/init.js"]);
    // No inline script (the policy would refuse it) and nothing from another host.
    expect(html).not.toMatch(/<script>|https?:\/\//);
    for (const src of scripts) {
      const script = await fetch(t.url + src);
      expect(script.status, src).toBe(200);
      expect(script.headers.get("content-type"), src).toContain("javascript");
      expect((await script.text()).length, src).toBeGreaterThan(0);
    }
    expect(await (await fetch(`${t.url}/api/docs/init.js`)).text()).toContain('"/api/openapi.json"');
  });
});
