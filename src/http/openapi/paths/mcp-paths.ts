import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { McpClientConfig, McpClientName } from "../../../mcp/mcp-config-view.ts";
import { AUTH_ERRORS, errors, json, ScopeQuery } from "../openapi-helpers.ts";

const tags = ["MCP"];

// Shapes of the MCP endpoints of the v2 contract (src/mcp/): JSON-RPC 2.0 over Streamable HTTP.
const JsonRpcRequest = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z.union([z.string(), z.number()]).optional().meta({ description: "Absent on a notification" }),
    method: z.string().meta({ description: "`initialize`, `tools/list`, `tools/call`, ..." }),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({
    id: "JsonRpcRequest",
    description: "A JSON-RPC 2.0 message",
    example: {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "charge_card", arguments: { amount: 42 } },
    },
  });
const JsonRpcResponse = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z.union([z.string(), z.number(), z.null()]),
    result: z.unknown().optional(),
    error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }).optional(),
  })
  .meta({
    id: "JsonRpcResponse",
    description: "A JSON-RPC 2.0 answer. A failed run is a result with `isError: true`, not a JSON-RPC error.",
    example: {
      jsonrpc: "2.0",
      id: 1,
      result: { content: [{ type: "text", text: '{"charged":42}' }], structuredContent: { charged: 42 } },
    },
  });
const rpc = {
  body: { required: true, content: { "application/json": { schema: JsonRpcRequest } } },
  headers: z.object({
    Accept: z.string().meta({ description: "`application/json, text/event-stream` (Streamable HTTP)" }),
    "Config-Name": z
      .string()
      .optional()
      .meta({ description: "Any `Config-<Name>` header: per-user config of the runs a `tools/call` starts" }),
  }),
};
const answers = {
  200: {
    description: "The JSON-RPC answer (as JSON, or as one server-sent event)",
    content: {
      "application/json": { schema: JsonRpcResponse },
      "text/event-stream": {
        schema: z.string().meta({ description: "`event: message` with the JSON-RPC answer as data" }),
      },
    },
  },
  202: { description: "A notification was accepted (no answer)" },
  ...errors(400, ...AUTH_ERRORS, 403, 404),
};

export function registerMcpPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "post",
    path: "/mcp",
    operationId: "mcp",
    summary: "MCP in the token's own scope",
    description:
      "Stateless Streamable HTTP (Model Context Protocol): the token's own org, or global for an admin token. `tools/list` offers the workflows marked `tool: true`; `tools/call` runs one (trigger `mcp`) and answers its result. Read-only tokens may list, not call. GET and DELETE answer 405.",
    tags,
    "x-read-only-tokens": true,
    request: rpc,
    responses: answers,
  });

  registry.registerPath({
    method: "post",
    path: "/mcp/{scope}",
    operationId: "mcpInScope",
    summary: "MCP in a given scope",
    description: "As `POST /mcp`, for an org (id or name) or `global`.",
    tags,
    "x-read-only-tokens": true,
    request: {
      ...rpc,
      params: z.object({
        scope: z.string().meta({ description: "`global`, an org id or an org name", example: "acme" }),
      }),
    },
    responses: answers,
  });

  registry.registerPath({
    method: "get",
    path: "/api/mcp/config",
    operationId: "mcpClientConfig",
    summary: "The MCP client configuration for this server",
    description:
      "As `bifrost mcp config` prints it: the URL, the token placeholder and the `Config-*` headers the tool workflows declare.",
    tags,
    request: {
      query: z.object({
        scope: ScopeQuery,
        client: McpClientName.optional().meta({ description: "Default cursor" }),
      }),
    },
    responses: { 200: json("The client configuration", McpClientConfig), ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });
}
