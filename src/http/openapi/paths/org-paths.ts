import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { OrgName } from "../../../orgs/org-service.ts";
import { OrgView } from "../../../orgs/org-view.ts";
import { AUTH_ERRORS, CursorQuery, LinkHeaders, TrueFalse, errors, json } from "../openapi-helpers.ts";

const tags = ["Orgs"];

export function registerOrgPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/api/orgs",
    operationId: "listOrgs",
    summary: "List orgs",
    description: "Every org for an admin token (by name); an org token's own org only.",
    tags,
    request: {
      query: z.object({
        ...CursorQuery,
        limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "Rows per page" }),
      }),
    },
    responses: {
      200: {
        description: "The orgs",
        headers: LinkHeaders,
        content: { "application/json": { schema: z.array(OrgView) } },
      },
      ...errors(400, ...AUTH_ERRORS),
    },
  });

  registry.registerPath({
    method: "post",
    path: "/api/orgs",
    operationId: "createOrg",
    summary: "Create an org (admin)",
    tags,
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ name: OrgName }).meta({ example: { name: "acme" } }) } },
      },
    },
    responses: { 201: json("Created", OrgView), ...errors(400, ...AUTH_ERRORS, 403, 409, 415) },
  });

  registry.registerPath({
    method: "delete",
    path: "/api/orgs/{org}",
    operationId: "deleteOrg",
    summary: "Delete an org (admin)",
    description:
      "Deletes the org with its tokens. 409 `ORG_NOT_EMPTY` while it holds configs (unless `force=true`: its configs, schedules and webhooks go too, audited) or has runs pending or running. Its finished executions and audit rows stay, as history.",
    tags,
    request: {
      params: z.object({ org: z.string().meta({ description: "Org id or name" }) }),
      query: z.object({
        force: TrueFalse.optional().meta({
          description: "Also delete its configs, schedules and webhooks (default false)",
        }),
      }),
    },
    responses: { 204: { description: "Deleted" }, ...errors(400, ...AUTH_ERRORS, 403, 404, 409) },
  });
}
