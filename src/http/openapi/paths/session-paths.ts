import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { SessionView } from "../../../auth/session-view.ts";
import { AUTH_ERRORS, errors, json } from "../openapi-helpers.ts";

const tags = ["Session"];

export function registerSessionPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/api/session",
    operationId: "getSession",
    summary: "Who the token is",
    tags,
    responses: { 200: json("The token's kind, org and rights", SessionView), ...errors(...AUTH_ERRORS) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/session/queues-cookie",
    operationId: "openQueueDashboard",
    summary: "Let this browser open the queue dashboard (admin)",
    description:
      "Sets an HttpOnly, SameSite=Strict cookie holding the token, sent only to `/admin/queues` (a page cannot send an Authorization header). Allowed to read-only tokens: the dashboard only reads.",
    tags,
    "x-read-only-tokens": true,
    responses: { 204: { description: "Cookie set" }, ...errors(...AUTH_ERRORS, 403) },
  });

  registry.registerPath({
    method: "delete",
    path: "/api/session/queues-cookie",
    operationId: "closeQueueDashboard",
    summary: "Take the queue dashboard's cookie back (sign-out)",
    tags,
    "x-read-only-tokens": true,
    responses: { 204: { description: "Cookie cleared" }, ...errors(...AUTH_ERRORS) },
  });
}
