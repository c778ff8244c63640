import { Router } from "express";
import { z } from "zod";
import { normalizeConfigKey } from "../configs/config-key.ts";
import { principalOf } from "../http/authenticate.ts";
import { listScopeFilter } from "../http/request-scope.ts";
import { parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import type { AuditLog } from "./audit-log.ts";

const AuditQuery = z.object({
  scope: z.string().trim().min(1).max(255).optional(),
  key: z.string().min(1).max(300).optional(),
  action: z.string().regex(/^[a-z]+\.[a-z]+$/, "an action looks like config.update").optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** /api/audit: newest first. An org token sees only its own org's rows. */
export function auditRoutes(audit: AuditLog, orgs: OrgService): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(AuditQuery, req.query, "query");
    const scope = await listScopeFilter(orgs, principal, query.scope);
    const key = query.key === undefined ? undefined : normalizeConfigKey(query.key);
    res.json(await audit.list({ scope, key, action: query.action, limit: query.limit }));
  });
  return router;
}
