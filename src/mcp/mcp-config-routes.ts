import { Router, type Request } from "express";
import { z } from "zod";
import { assertCanManageScope } from "../auth/index.ts";
import { principalOf } from "../http/authenticate.ts";
import { resolveScopeFor } from "../http/request-scope.ts";
import { parseInput } from "../http/validate.ts";
import type { OrgService } from "../orgs/index.ts";
import type { WorkflowCatalog } from "../workflows/workflow-catalog.ts";
import { mcpClientConfig } from "./client-config.ts";
import { McpClientName } from "./mcp-config-view.ts";
import { toolWorkflows } from "./workflow-tools.ts";

const ConfigQuery = z.object({
  scope: z.string().trim().min(1, "must not be empty").max(255).optional(),
  client: McpClientName.default("cursor"),
});

/**
 * `GET /api/mcp/config?scope=&client=`: the JSON an MCP client needs for this server (URL, token
 * placeholder, the `Config-*` headers the tool workflows declare), built by client-config.ts as
 * `bifrost mcp config` builds it. Without `scope`: the token's own (`/mcp`).
 */
export function mcpConfigRoutes(
  catalog: WorkflowCatalog,
  orgs: OrgService,
  baseUrlOf: (req: Request) => string,
): Router {
  const router = Router();
  router.get("/config", async (req, res) => {
    const principal = principalOf(res);
    const query = parseInput(ConfigQuery, req.query, "query");
    let org: string | null = null;
    if (query.scope !== undefined) {
      const scope = await resolveScopeFor(orgs, principal, query.scope);
      assertCanManageScope(principal, scope);
      org = scope.kind === "org" ? scope.org.name : "global";
    }
    const userConfig = toolWorkflows(catalog.list()).flatMap((workflow) => workflow.userConfig);
    res.json(
      mcpClientConfig({
        baseUrl: baseUrlOf(req),
        org,
        client: query.client,
        userConfig: [...new Set(userConfig)].sort(),
      }),
    );
  });
  return router;
}
