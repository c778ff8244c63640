import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { QUEUES_COOKIE } from "../../auth/session-routes.ts";
import { registerAuditPaths } from "./paths/audit-paths.ts";
import { registerBundlePaths } from "./paths/bundle-paths.ts";
import { registerConfigPaths } from "./paths/config-paths.ts";
import { registerExecutionPaths } from "./paths/execution-paths.ts";
import { registerMcpPaths } from "./paths/mcp-paths.ts";
import { QUEUES_COOKIE_SCHEME, registerMetaPaths } from "./paths/meta-paths.ts";
import { registerOrgPaths } from "./paths/org-paths.ts";
import { registerSchedulePaths } from "./paths/schedule-paths.ts";
import { registerSessionPaths } from "./paths/session-paths.ts";
import { registerTokenPaths } from "./paths/token-paths.ts";
import { registerWebhookPaths } from "./paths/webhook-paths.ts";
import { registerWorkflowPaths } from "./paths/workflow-paths.ts";

// The API reference: generated from the views' zod schemas (src/*/*-view.ts) and the request
// schemas the routes validate with, through the path files of ./paths, which describe the routes
// without owning them.

const TAGS = [
  { name: "Configs", description: "Typed configs and secrets, global or per org; an org's rows shadow global ones" },
  { name: "Executions", description: "Workflow runs: start, read, follow, cancel, count, prune" },
  { name: "Workflows", description: "What can run" },
  { name: "Schedules", description: "Runs on a cron schedule" },
  { name: "Webhooks", description: "Runs started by signed inbound HTTP requests" },
  { name: "MCP", description: "Workflows as tools for AI agents (Model Context Protocol)" },
  { name: "Orgs", description: "The scopes configs and runs belong to" },
  { name: "Tokens", description: "API tokens: admin or org, read-only, expiring" },
  { name: "Audit", description: "Who changed or read what; never a value" },
  { name: "Bundles", description: "Export and import of orgs, configs, schedules and webhooks" },
  { name: "Session", description: "The token itself, for the console" },
  { name: "Meta", description: "Health, this document and the pages around the API" },
];

type GeneratedDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;
export type OpenApiDocument = GeneratedDocument & { paths: NonNullable<GeneratedDocument["paths"]> };

function buildOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token (`bft_...`): `bifrost tokens create`",
  });
  registry.registerComponent("securitySchemes", QUEUES_COOKIE_SCHEME, {
    type: "apiKey",
    in: "cookie",
    name: QUEUES_COOKIE,
    description: "Set by POST /api/session/queues-cookie",
  });
  for (const register of [
    registerConfigPaths,
    registerWorkflowPaths,
    registerExecutionPaths,
    registerSchedulePaths,
    registerWebhookPaths,
    registerMcpPaths,
    registerOrgPaths,
    registerTokenPaths,
    registerAuditPaths,
    registerBundlePaths,
    registerSessionPaths,
    registerMetaPaths,
  ]) {
    register(registry);
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "bifrost-ts API",
      version: "1",
      description:
        'Typed configs and secrets per org, workflow executions, schedules, webhooks, MCP and bundles. Every route but the few marked otherwise takes `Authorization: Bearer <token>`. Errors are `{"error": {"code", "message", "details"}}` with a stable `code`.',
    },
    servers: [
      { url: "/", description: "The server this document came from" },
      {
        url: "http://127.0.0.1:{port}",
        description: "A local `bifrost start`",
        variables: { port: { default: "3000" } },
      },
    ],
    security: [{ bearer: [] }],
    tags: TAGS,
  });
  return { ...document, paths: document.paths ?? {} };
}

/** The document `GET /api/openapi.json` serves, built once. */
export const openApiDocument: OpenApiDocument = buildOpenApiDocument();
