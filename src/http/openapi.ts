import { z } from "zod";
import { Bundle } from "../bundles/bundle-format.ts";
import { ConfigWrite } from "../configs/config-service.ts";
import { ErrorCode } from "../errors/index.ts";
import { ExecutionStatus } from "../executions/execution-status.ts";
import { ExecutionTrigger } from "../executions/execution-trigger.ts";
import { ScheduleCreate, SchedulePatch } from "../schedules/schedule-service.ts";
import { WebhookCreate } from "../webhooks/webhook-service.ts";

// The API reference the console links to: the routes of ../shared/CONTRACT.md as OpenAPI 3.1.
// Request schemas come from the zod schemas the routes validate with, so they cannot drift.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { "application/json": { schema } } });
const query = (name: string, description: string, schema: object = { type: "string" }) => ({ name, in: "query", description, schema });
const path = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });
const scope = query("scope", '"global", an org id or an org name; default: global for admin tokens, the own org for org tokens');
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), { description: "error", ...json(ref("Error")) }]));
const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const ConfigView = {
  type: "object",
  properties: {
    key: { type: "string" },
    type: { enum: ["string", "int", "bool", "json", "secret"] },
    scope: { type: "string", description: '"global" or the org id' },
    description: { type: ["string", "null"] },
    value: { description: "the typed value; always null for a secret" },
    masked: { type: "boolean", description: "true for secrets" },
    hasValue: { type: "boolean", description: "false only for a secret imported without its value" },
    updatedAt: { type: "string", format: "date-time" },
    updatedBy: { type: "string" },
  },
};

const Execution = {
  type: "object",
  properties: {
    id: { type: "string" },
    workflow: { type: "string" },
    scope: { type: "string" },
    org: { type: ["object", "null"], properties: { id: { type: "string" }, name: { type: "string" } } },
    status: { enum: ExecutionStatus.options },
    trigger: { enum: ExecutionTrigger.options, description: "what asked for the run" },
    workerId: { type: ["string", "null"], description: "<hostname>:<pid> of the worker that took it; null until one did" },
    params: {},
    result: { description: "scrubbed of secrets" },
    error: { type: ["string", "null"], description: "scrubbed of secrets" },
    logs: { type: "array", items: { type: "object", properties: { at: { type: "string" }, level: { enum: ["debug", "info", "warn", "error"] }, message: { type: "string" } } } },
    attempts: { type: "integer" },
    createdAt: { type: "string", format: "date-time" },
    createdBy: { type: "string" },
    startedAt: { type: ["string", "null"], format: "date-time" },
    finishedAt: { type: ["string", "null"], format: "date-time" },
    durationMs: { type: ["integer", "null"] },
  },
};

const Schedule = {
  type: "object",
  properties: {
    id: { type: "string" },
    workflow: { type: "string" },
    scope: { type: "string" },
    org: { type: ["object", "null"] },
    cron: { type: "string", description: "5 fields, or 6 with seconds first" },
    timezone: { type: "string", description: "IANA time zone" },
    params: {},
    enabled: { type: "boolean" },
    overlap: { enum: ["skip", "allow"] },
    nextRunAt: { type: ["string", "null"], format: "date-time" },
    lastRunAt: { type: ["string", "null"], format: "date-time" },
    lastExecutionId: { type: ["string", "null"] },
  },
};

const Webhook = {
  type: "object",
  properties: {
    id: { type: "string" },
    workflow: { type: "string" },
    scope: { type: "string" },
    org: { type: ["object", "null"] },
    description: { type: ["string", "null"] },
    url: { type: "string", description: "where senders POST" },
    createdAt: { type: "string", format: "date-time" },
    secretRotatedAt: { type: ["string", "null"], format: "date-time" },
  },
};
const WebhookWithSecret = { allOf: [Webhook, { type: "object", properties: { secret: { type: "string", description: "whsec_<base64>: shown in this answer only" } } }] };
const scheduleId = path("id", "schedule id");
const webhookId = path("id", "webhook id");

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "bifrost-ts API",
    version: "1",
    description: "Typed configs and secrets per org, workflow executions, bundles. Every /api route but this document takes `Authorization: Bearer <token>`.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        properties: { error: { type: "object", properties: { code: { enum: ErrorCode.options }, message: { type: "string" }, details: {} }, required: ["code", "message"] } },
      },
      ConfigWrite: schemaOf(ConfigWrite),
      ConfigView,
      EffectiveConfigView: { allOf: [ConfigView, { type: "object", properties: { resolvedFrom: { type: "string" }, shadowsGlobal: { type: "boolean" } } }] },
      Execution,
      Token: {
        type: "object",
        properties: {
          id: { type: "string" },
          name: { type: "string" },
          kind: { enum: ["admin", "org"] },
          org: { type: ["object", "null"], properties: { id: { type: "string" }, name: { type: "string" } } },
          readOnly: { type: "boolean" },
          createdAt: { type: "string", format: "date-time" },
          lastUsedAt: { type: ["string", "null"], format: "date-time", description: "moved at most once a minute" },
          expiresAt: { type: ["string", "null"], format: "date-time" },
          revokedAt: { type: ["string", "null"], format: "date-time" },
        },
      },
      Bundle: schemaOf(Bundle),
      ScheduleCreate: schemaOf(ScheduleCreate),
      SchedulePatch: schemaOf(SchedulePatch),
      Schedule,
      WebhookCreate: schemaOf(WebhookCreate),
      Webhook,
      WebhookWithSecret,
    },
  },
  security: [{ bearer: [] }],
  paths: {
    "/api/session": { get: { summary: "Who the token is", responses: { "200": json({ type: "object" }), ...errors(401) } } },
    "/api/orgs": {
      get: { summary: "All orgs (admin) or the token's own", responses: { "200": json({ type: "array" }), ...errors(401) } },
      post: { summary: "Create an org (admin)", requestBody: json({ type: "object", properties: { name: { type: "string" } } }), responses: { "201": json({ type: "object" }), ...errors(400, 403, 409) } },
    },
    "/api/orgs/{org}": {
      delete: {
        summary: "Delete an org (admin) with its tokens; 409 ORG_NOT_EMPTY while it holds configs (unless force=true: they go too) or has runs pending or running",
        parameters: [path("org", "org id or name"), query("force", "also delete its configs", { enum: ["true", "false"] })],
        responses: { "204": { description: "deleted" }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    "/api/tokens": {
      get: { summary: "Tokens: all (admin) or the org's own (org token); never a token or its hash", responses: { "200": json({ type: "array", items: ref("Token") }), ...errors(401) } },
      post: {
        summary: "Create a token (an org token: only for its own org); the token is in this answer only",
        requestBody: json({
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, org: { type: "string" }, admin: { type: "boolean" }, readOnly: { type: "boolean" }, expiresIn: { type: "string", description: "90m, 12h, 30d (1 minute to 365 days)" } },
        }),
        responses: { "201": json({ allOf: [ref("Token"), { type: "object", properties: { token: { type: "string" } } }] }), ...errors(400, 401, 403, 404, 415) },
      },
    },
    "/api/tokens/{id}": {
      delete: { summary: "Revoke a token: refused from the very next request", parameters: [path("id", "token id")], responses: { "204": { description: "revoked" }, ...errors(401, 403, 404) } },
    },
    "/api/configs": {
      get: {
        summary: "The configs stored in a scope, or (effective=true) every key an org can read",
        description: "Answers with an ETag; a request whose If-None-Match holds it gets 304 while nothing in the list has changed.",
        parameters: [scope, query("effective", "true: the cascade for an org", { enum: ["true", "false"] })],
        responses: { "200": json({ type: "array", items: ref("EffectiveConfigView") }), "304": { description: "Not modified since the ETag given in If-None-Match" }, ...errors(400, 401, 403, 404) },
      },
    },
    "/api/configs/{key}": {
      get: { summary: "The effective value after the cascade", parameters: [path("key", "config key"), scope], responses: { "200": json(ref("EffectiveConfigView")), ...errors(401, 403, 404) } },
      put: {
        summary: "Create (201) or replace (200) a config; a secret only ever by a whole new value",
        parameters: [path("key", "config key"), scope],
        requestBody: json(ref("ConfigWrite")),
        responses: { "200": json(ref("ConfigView")), "201": json(ref("ConfigView")), ...errors(400, 401, 403, 404, 413, 415) },
      },
      delete: { summary: "Delete a scope's own row", parameters: [path("key", "config key"), scope], responses: { "204": { description: "deleted" }, ...errors(401, 403, 404) } },
    },
    "/api/audit": {
      get: {
        summary: "Audit rows, newest first; never a value",
        parameters: [scope, query("key", "config key"), query("action", "e.g. config.update, secret.read"), query("limit", "1..1000", { type: "integer" })],
        responses: { "200": json({ type: "array" }), ...errors(400, 401, 403) },
      },
    },
    "/api/workflows": { get: { summary: "Loadable workflows (params as JSON Schema) and load errors", responses: { "200": json({ type: "object" }), ...errors(401) } } },
    "/api/workflows/{name}/executions": {
      post: {
        summary: "Run a workflow; Config-<Name> headers are per-user config for this run only",
        parameters: [
          path("name", "workflow name"),
          scope,
          query("wait", "milliseconds to wait for the end (0..300000)", { type: "integer" }),
          { name: "Idempotency-Key", in: "header", description: "1..200 characters: a repeat in the same scope within 24 h answers the first execution (Idempotent-Replayed: true) and starts nothing", schema: { type: "string" } },
          { name: "Bifrost-Trigger", in: "header", description: "cli or console: what asks for the run (default api)", schema: { enum: ["cli", "console"] } },
        ],
        requestBody: json({ type: "object", properties: { params: {} } }),
        responses: { "200": json(ref("Execution")), "202": json(ref("Execution")), ...errors(400, 401, 403, 404, 409, 415, 422, 503) },
      },
    },
    "/api/executions": {
      get: {
        summary: "Executions, newest first (without params, result and logs)",
        parameters: [query("workflow", "workflow name"), query("status", "status", { enum: ExecutionStatus.options }), query("trigger", "what asked for the runs", { enum: ExecutionTrigger.options }), scope, query("limit", "1..1000", { type: "integer" })],
        responses: { "200": json({ type: "array", items: ref("Execution") }), ...errors(400, 401, 403) },
      },
    },
    "/api/executions/{id}": { get: { summary: "One execution", parameters: [path("id", "execution id")], responses: { "200": json(ref("Execution")), ...errors(401, 403, 404) } } },
    "/api/executions/{id}/cancel": {
      post: { summary: "Cancel a pending or running execution", parameters: [path("id", "execution id")], responses: { "200": json(ref("Execution")), "202": json(ref("Execution")), ...errors(401, 403, 404, 409) } },
    },
    "/api/schedules": {
      get: { summary: "Schedules (an org token: its org's)", parameters: [scope, query("workflow", "workflow name")], responses: { "200": json({ type: "array", items: ref("Schedule") }), ...errors(400, 401, 403) } },
      post: { summary: "Create a schedule acting for the scope", parameters: [scope], requestBody: json(ref("ScheduleCreate")), responses: { "201": json(ref("Schedule")), ...errors(400, 401, 403, 404) } },
    },
    "/api/schedules/{id}": {
      get: { summary: "One schedule", parameters: [scheduleId], responses: { "200": json(ref("Schedule")), ...errors(401, 404) } },
      patch: { summary: "Change, pause (enabled: false) or resume a schedule", parameters: [scheduleId], requestBody: json(ref("SchedulePatch")), responses: { "200": json(ref("Schedule")), ...errors(400, 401, 404) } },
      delete: { summary: "Delete a schedule", parameters: [scheduleId], responses: { "204": { description: "deleted" }, ...errors(401, 404) } },
    },
    "/api/webhooks": {
      get: { summary: "Webhooks, never their secrets (an org token: its org's)", parameters: [scope, query("workflow", "workflow name")], responses: { "200": json({ type: "array", items: ref("Webhook") }), ...errors(400, 401, 403) } },
      post: { summary: "Create an inbound webhook; its secret is in this answer only", parameters: [scope], requestBody: json(ref("WebhookCreate")), responses: { "201": json(ref("WebhookWithSecret")), ...errors(400, 401, 403, 404) } },
    },
    "/api/webhooks/{id}": { delete: { summary: "Delete a webhook", parameters: [webhookId], responses: { "204": { description: "deleted" }, ...errors(401, 404) } } },
    "/api/webhooks/{id}/rotate-secret": {
      post: { summary: "A new signing secret (the old one stops working), in this answer only", parameters: [webhookId], responses: { "200": json(ref("WebhookWithSecret")), ...errors(401, 404) } },
    },
    "/hooks/{id}": {
      post: {
        summary: "An inbound delivery, signed as Standard Webhooks v1 (no bearer token); the JSON body is the workflow's params",
        security: [],
        parameters: [
          webhookId,
          { name: "webhook-id", in: "header", required: true, description: "a replay within 24 h answers the first executionId", schema: { type: "string" } },
          { name: "webhook-timestamp", in: "header", required: true, description: "unix seconds, within 5 minutes of now", schema: { type: "string" } },
          { name: "webhook-signature", in: "header", required: true, description: "v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>, space-separated", schema: { type: "string" } },
        ],
        requestBody: json({}),
        responses: { "202": json({ type: "object", properties: { executionId: { type: "string" } } }), ...errors(400, 401, 404, 413, 422, 503) },
      },
    },
    "/api/export": {
      get: {
        summary: "A bundle (portable, or a backup with encrypted secrets: admin only)",
        parameters: [query("portable", "default true", { enum: ["true", "false"] }), scope],
        responses: { "200": json(ref("Bundle")), ...errors(400, 401, 403) },
      },
    },
    "/api/import": {
      post: {
        summary: "Import a bundle or a Python Bifrost configs export, all or nothing (admin)",
        parameters: [
          query("dryRun", "report without writing", { enum: ["true", "false"] }),
          query("format", "bundle (default) or bifrost", { enum: ["bundle", "bifrost"] }),
          { name: "Bifrost-Source-Secret-Key", in: "header", description: "the key the document's secrets are encrypted under, when not this server's", schema: { type: "string" } },
        ],
        requestBody: json(ref("Bundle")),
        responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 413, 422) },
      },
    },
  },
};
