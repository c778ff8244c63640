// What an MCP client (Cursor, Claude Code, VS Code) needs to reach this server: its URL, the
// bearer token and the per-user `Config-*` headers the tools read, as each client's JSON file
// wants them. Pure (no I/O): the CLI (`bifrost mcp config`) and the API (`GET /api/mcp/config`,
// which the console shows) build the same snippet with it.

import type { McpClient, McpClientConfig } from "./mcp-config-view.ts";

export { MCP_CLIENTS, type McpClient, type McpClientConfig } from "./mcp-config-view.ts";

/** The environment variable a client reads the token from (Cursor, Claude Code). */
export const TOKEN_VARIABLE = "BIFROST_TOKEN";

export interface McpClientConfigInput {
  /** The server's base URL, e.g. `https://bifrost.example.com` (no trailing slash needed). */
  baseUrl: string;
  /** The org whose tools to use (`/mcp/<org>`); null for the token's own scope (`/mcp`). */
  org: string | null;
  client: McpClient;
  /** Normalized per-user config names (`api-key`) the scope's tool workflows declare. */
  userConfig: string[];
}

const FILES: Record<McpClient, string> = {
  cursor: "~/.cursor/mcp.json (or .cursor/mcp.json in a project)",
  claude: ".mcp.json in the project (Claude Code)",
  vscode: ".vscode/mcp.json",
};

export function mcpClientConfig({ baseUrl, org, client, userConfig }: McpClientConfigInput): McpClientConfig {
  const url = `${baseUrl.replace(/\/+$/, "")}/mcp${org === null ? "" : `/${encodeURIComponent(org)}`}`;
  const names = [...new Set(userConfig)];
  const userConfigHeaders = names.map(headerName);
  const placeholder = PLACEHOLDERS[client];
  const headers: Record<string, string> = { Authorization: `Bearer ${placeholder(TOKEN_VARIABLE, "bifrost-token")}` };
  for (const name of names) headers[headerName(name)] = placeholder(variableOf(name), `bifrost-config-${name}`);
  const server = org === null ? "bifrost" : `bifrost-${org.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;
  const config: Record<string, unknown> =
    client === "vscode"
      ? {
          servers: { [server]: { type: "http", url, headers } },
          inputs: [
            { type: "promptString", id: "bifrost-token", description: "Bifrost API token", password: true },
            ...names.map((name) => ({
              type: "promptString",
              id: `bifrost-config-${name}`,
              description: `${headerName(name)} (your own value)`,
              password: true,
            })),
          ],
        }
      : { mcpServers: { [server]: { ...(client === "claude" ? { type: "http" } : {}), url, headers } } };
  return { client, url, file: FILES[client], headers, userConfig: names, userConfigHeaders, config };
}

/** `api-key` -> `Config-Api-Key`. */
export function headerName(name: string): string {
  return `Config-${name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())}`;
}

/** `api-key` -> `BIFROST_CONFIG_API_KEY`: the environment variable a client fills the header from. */
export function variableOf(name: string): string {
  return `BIFROST_CONFIG_${name.toUpperCase().replace(/-/g, "_")}`;
}

/** How each client writes "the value of this variable" (Cursor `${env:X}`, Claude Code `${X}`) or "ask me" (VS Code inputs). */
const PLACEHOLDERS: Record<McpClient, (variable: string, input: string) => string> = {
  cursor: (variable) => `\${env:${variable}}`,
  claude: (variable) => `\${${variable}}`,
  vscode: (_variable, input) => `\${input:${input}}`,
};
