import { readFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import {
  CallToolRequestSchema,
  CancelledNotificationSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import type { Principal } from "../auth/index.ts";
import type { WorkflowCatalog } from "../workflows/workflow-catalog.ts";
import type { CallRegistry } from "./call-registry.ts";
import { callWorkflowTool, type CallOrigin, type ToolCaller } from "./tool-call.ts";
import { toolWorkflows, toTool } from "./workflow-tools.ts";

export interface McpDeps extends ToolCaller {
  catalog: WorkflowCatalog;
  calls: CallRegistry;
}

/**
 * Shared by every request's server: the SDK makes a new Ajv instance per server otherwise, which
 * was most of a call's CPU (measured: 0.85 -> 0.16 ms to set a server up). Only used for
 * elicitation, which these servers never send; it caches compiled schemas, so sharing is safe.
 */
const validator = new AjvJsonSchemaValidator();

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/**
 * The MCP server for one HTTP request (stateless Streamable HTTP: a server and transport per
 * request is the SDK's documented pattern). Tools are the catalog's `tool: true` workflows as it
 * is at that moment. Their schemas are JSON Schema (the zod objects live in the threads that load
 * workflow code), so the tool handlers are set on McpServer's underlying protocol server rather
 * than through `registerTool`, which takes zod schemas.
 */
export function createMcpServer(deps: McpDeps, origin: CallOrigin): McpServer {
  const mcp = new McpServer(
    { name: "bifrost", version },
    { capabilities: { tools: {} }, jsonSchemaValidator: validator },
  );
  const server = mcp.server;
  const caller = tokenIdOf(origin.principal);

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolWorkflows(deps.catalog.list()).map(toTool) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const workflow = deps.catalog.get(request.params.name);
    if (!workflow?.tool)
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${JSON.stringify(request.params.name)}`);
    const token = request.params._meta?.progressToken;
    let progress = 0;
    const notify =
      token === undefined
        ? undefined
        : async (message: string) => {
            progress += 1;
            // A client gone meanwhile cannot hear it; the run does not care.
            await extra
              .sendNotification({
                method: "notifications/progress",
                params: { progressToken: token, progress, message },
              })
              .catch(() => undefined);
          };
    const registered = deps.calls.register(caller, extra.requestId);
    try {
      return await callWorkflowTool(deps, workflow, request.params.arguments, origin, {
        cancel: registered.signal,
        gone: extra.signal,
        progress: notify,
      });
    } finally {
      registered.release();
    }
  });

  // Arrives in a request of its own (no sessions), so the call it names runs under another server.
  server.setNotificationHandler(CancelledNotificationSchema, (notification) => {
    const { requestId, reason } = notification.params;
    if (requestId !== undefined) deps.calls.cancel(caller, requestId, reason);
  });
  return mcp;
}

function tokenIdOf(principal: Principal): string {
  return principal.kind === "system" ? `system:${principal.actor}` : principal.tokenId;
}
