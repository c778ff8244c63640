import { z } from "zod";

/** The MCP clients `GET /api/mcp/config` and `bifrost mcp config` write a configuration for. */
export const MCP_CLIENTS = ["cursor", "claude", "vscode"] as const;
export const McpClientName = z.enum(MCP_CLIENTS);
export type McpClient = z.infer<typeof McpClientName>;

/** What an MCP client needs to reach this server, as `GET /api/mcp/config` answers it. */
export const McpClientConfig = z
  .object({
    client: McpClientName,
    url: z.string().meta({ example: "https://bifrost.example.com/mcp/acme" }),
    file: z.string().meta({ description: "Where the client reads `config` from" }),
    headers: z
      .record(z.string(), z.string())
      .meta({ description: "The headers with the client's placeholders (never a real token or value)" }),
    userConfig: z.array(z.string()).meta({ description: "The per-user config names the scope's tools declare" }),
    userConfigHeaders: z.array(z.string()).meta({ description: "Their `Config-*` headers, in the same order" }),
    config: z.record(z.string(), z.unknown()).meta({ description: "The client's JSON: merge it into `file`" }),
  })
  .meta({ id: "McpClientConfig", description: "What an MCP client needs to reach this server" });
export type McpClientConfig = z.infer<typeof McpClientConfig>;
