import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { AuditRecord } from "../../../audit/audit-view.ts";
import { AUTH_ERRORS, CursorQuery, LinkHeaders, ScopeFilter, errors } from "../openapi-helpers.ts";

export function registerAuditPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "get",
    path: "/api/audit",
    operationId: "listAudit",
    summary: "Read the audit log",
    description:
      "Newest first; never a value. An org token sees only its own org's rows, and those its runs made in global scope (reads of global secrets, with `runScope`).",
    tags: ["Audit"],
    request: {
      query: z.object({
        scope: ScopeFilter,
        key: z.string().min(1).max(300).optional().meta({ description: "Only this config key's rows" }),
        keyContains: z
          .string()
          .min(1)
          .max(300)
          .optional()
          .meta({ description: "Only rows whose key holds this text (any case)", example: "stripe" }),
        since: z.iso.datetime({ offset: true }).optional().meta({ description: "Rows at or after this time" }),
        until: z.iso.datetime({ offset: true }).optional().meta({ description: "Rows before this time" }),
        action: z
          .string()
          .regex(/^[a-z]+\.[a-z]+$/)
          .optional()
          .meta({ description: "Only this action", example: "secret.read" }),
        ...CursorQuery,
        limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: "Rows per page (default 100)" }),
      }),
    },
    responses: {
      200: {
        description: "Audit rows, newest first",
        headers: LinkHeaders,
        content: { "application/json": { schema: z.array(AuditRecord) } },
      },
      ...errors(400, ...AUTH_ERRORS, 403),
    },
  });
}
