import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { errors, json } from "../openapi-helpers.ts";

export const QUEUES_COOKIE_SCHEME = "queuesCookie";

/** The routes around the API: health, this document, its reference page, the queue dashboard. */
export function registerMetaPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/health",
    operationId: "health",
    summary: "Liveness",
    tags: ["Meta"],
    security: [],
    responses: { 200: json("The process serves", z.object({ status: z.literal("ok") })) },
  });

  registry.registerPath({
    method: "get",
    path: "/api/openapi.json",
    operationId: "openApiDocument",
    summary: "This document",
    tags: ["Meta"],
    security: [],
    responses: { 200: json("The OpenAPI 3.1 document", z.record(z.string(), z.unknown())) },
  });

  registry.registerPath({
    method: "get",
    path: "/api/docs",
    operationId: "apiReference",
    summary: "This document as a readable reference",
    tags: ["Meta"],
    security: [],
    responses: {
      200: {
        description: "An HTML page (Redoc, served from this server)",
        content: { "text/html": { schema: z.string() } },
      },
    },
  });

  registry.registerPath({
    method: "get",
    path: "/admin/queues",
    operationId: "queueDashboard",
    summary: "The queue dashboard (admin)",
    description:
      "bull-board's page over the executions queue, read-only, jobs' data redacted. A browser gets in with the cookie `POST /api/session/queues-cookie` sets.",
    tags: ["Meta"],
    security: [{ bearer: [] }, { [QUEUES_COOKIE_SCHEME]: [] }],
    responses: {
      200: { description: "The dashboard", content: { "text/html": { schema: z.string() } } },
      ...errors(401, 403, 429),
    },
  });
}
