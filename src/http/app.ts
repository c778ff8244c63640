import express, { type Express } from "express";
import helmet from "helmet";
import { auditRoutes } from "../audit/audit-routes.ts";
import type { Queue } from "bullmq";
import { QUEUES_PATH, sessionRoutes } from "../auth/session-routes.ts";
import { tokenRoutes } from "../auth/token-routes.ts";
import { bundleRoutes } from "../bundles/bundle-routes.ts";
import { consoleAssets } from "../console/console-assets.ts";
import { queueDashboard } from "../console/queue-dashboard.ts";
import { configMatrixRoutes, configRoutes } from "../configs/config-routes.ts";
import { orgRoutes } from "../orgs/org-routes.ts";
import type { Platform } from "../platform/platform.ts";
import { executionRoutes, startExecutionRoutes } from "../executions/execution-routes.ts";
import type { ExecutionService } from "../executions/execution-service.ts";
import { scheduleRoutes } from "../schedules/schedule-routes.ts";
import type { ScheduleService } from "../schedules/schedule-service.ts";
import { CallRegistry } from "../mcp/call-registry.ts";
import { mcpConfigRoutes } from "../mcp/mcp-config-routes.ts";
import { mcpRoutes } from "../mcp/mcp-routes.ts";
import { hookRoutes } from "../webhooks/hook-routes.ts";
import { baseUrlFrom, webhookRoutes } from "../webhooks/webhook-routes.ts";
import type { WebhookService } from "../webhooks/webhook-service.ts";
import type { WorkflowCatalog } from "../workflows/workflow-catalog.ts";
import { workflowRoutes } from "../workflows/workflow-routes.ts";
import { authFailureLimit } from "./auth-failure-limit.ts";
import { authenticate } from "./authenticate.ts";
import { apiDocs } from "./openapi/api-docs.ts";
import { openApiDocument } from "./openapi/openapi-document.ts";
import { errorHandler, notFoundHandler } from "./error-handler.ts";
import { checkJsonBody } from "./json-body-check.ts";
import { requestLogger } from "./request-logger.ts";

/** Large enough for a 64 KiB secret or a 256 KiB JSON value with room for JSON escaping. */
export const JSON_BODY_LIMIT = "1mb";
/** Room for 100,000 configs (the bundle limit) of ordinary size. */
export const BUNDLE_BODY_LIMIT = "64mb";

export interface AppServices {
  catalog: WorkflowCatalog;
  executions: ExecutionService;
  /** The executions queue, for the admin dashboard. */
  queue: Queue;
  schedules: ScheduleService;
  webhooks: WebhookService;
}

export function createApp(
  platform: Platform,
  { catalog, executions, queue, schedules, webhooks }: AppServices,
): Express {
  const app = express();
  app.disable("x-powered-by");
  // Security headers everywhere; the console sets its own Content-Security-Policy (console-assets.ts),
  // and bull-board's page needs its inline script, so helmet's default CSP is off here.
  app.use(helmet({ contentSecurityPolicy: false }));
  app.set("query parser", "simple");
  app.use(requestLogger(platform.logger));

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  // Inbound webhooks: signed by their sender instead of a bearer token (src/webhooks).
  app.use("/hooks", hookRoutes(webhooks));

  // One count of failed authentications per address, for the API and the queue dashboard alike.
  const failures = authFailureLimit(platform.settings.authFailuresPerMinute);
  const api = express.Router();
  api.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument);
  });
  api.use("/docs", apiDocs());
  // Authenticate before reading the body: an anonymous client must not make us buffer and parse it.
  api.use(failures.gate);
  api.use(authenticate(platform.tokens, failures));
  // Bundles are larger than any other body; body-parser skips a body that is already parsed.
  api.use("/import", express.json({ limit: BUNDLE_BODY_LIMIT, strict: false }));
  api.use(express.json({ limit: JSON_BODY_LIMIT, strict: false }));
  api.use(checkJsonBody);
  api.use("/session", sessionRoutes(platform.orgs));
  api.use("/orgs", orgRoutes(platform.orgs));
  api.use("/tokens", tokenRoutes(platform.tokens, platform.orgs));
  api.use("/configs", configRoutes(platform.configs, platform.orgs));
  api.use("/config-matrix", configMatrixRoutes(platform.configs));
  api.use("/audit", auditRoutes(platform.audit, platform.orgs));
  api.use("/workflows", workflowRoutes(catalog));
  api.use("/workflows", startExecutionRoutes(executions, platform.orgs));
  api.use("/executions", executionRoutes(executions, platform.orgs));
  api.use("/schedules", scheduleRoutes(schedules, platform.orgs));
  api.use("/webhooks", webhookRoutes(webhooks, platform.orgs, baseUrlFrom(platform.settings.publicUrl)));
  api.use("/mcp", mcpConfigRoutes(catalog, platform.orgs, baseUrlFrom(platform.settings.publicUrl)));
  api.use("/", bundleRoutes(platform.bundleExporter, platform.bundleImporter, platform.orgs));
  api.use(notFoundHandler);
  app.use("/api", api);
  // MCP (src/mcp): workflows as tools for AI agents, same tokens and scopes as the API.
  const mcp = { catalog, executions, logger: platform.logger, calls: new CallRegistry() };
  app.use("/mcp", mcpRoutes(mcp, platform.orgs, platform.tokens, failures));
  app.use(QUEUES_PATH, queueDashboard(queue, platform.tokens, failures));
  app.use(consoleAssets());

  app.use(errorHandler(platform.logger));
  return app;
}
