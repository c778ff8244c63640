import { Router } from "express";
import { z } from "zod";
import { normalizeConfigKey } from "../configs/config-key.ts";
import { principalOf } from "../http/authenticate.ts";
import { listScopeFilter } from "../http/request-scope.ts";
import { parseInput } from "../http/validate.ts";
import { cursorParam, sendPage } from "../http/cursor-page.ts";
import type { OrgService } from "../orgs/index.ts";
import type { AuditLog } from "./audit-log.ts";

const AuditQuery = z.object({
  scope: z.string().trim().min(1).max(255).optional(),
  key: z.string().min(1).max(300).optional(),
  keyContains: z.string().trim().min(1).max(300).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  action: z
    .string()
    .regex(/^[a-z]+\.[a-z]+$/, "an action looks like config.update")
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: cursorParam(z.tuple([z.number().int().min(1)])).optional(),
});

/**
 * /api/audit: newest first. An org token sees only its own org's rows, and the rows its runs made
 * elsewhere (their reads of global secrets).
 */
export function auditRoutes(audit: AuditLog, orgs: OrgService): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(AuditQuery, req.query, "query");
    const scope = await listScopeFilter(orgs, principal, query.scope);
    const key = query.key === undefined ? undefined : normalizeConfigKey(query.key);
    // Keys are stored folded (lower case, `_` for separators): search as they are stored.
    const keyContains = query.keyContains?.toLowerCase().replace(/[-. ]/g, "_");
    const rows = await audit.list({
      scope,
      key,
      keyContains,
      action: query.action,
      since: query.since === undefined ? undefined : new Date(query.since),
      until: query.until === undefined ? undefined : new Date(query.until),
      limit: query.limit + 1,
      beforeId: query.cursor?.[0],
    });
    res.json(sendPage(req, res, rows, query.limit, (row) => [row.id]).map(({ id: _cursor, ...row }) => row));
  });
  return router;
}
