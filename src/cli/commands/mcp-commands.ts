import { Option, type Command } from "commander";
import {
  MCP_CLIENTS,
  mcpClientConfig,
  TOKEN_VARIABLE,
  variableOf,
  type McpClient,
  type McpClientConfig,
} from "../../mcp/client-config.ts";
import { ApiClient } from "../api-client.ts";
import { printJson } from "../output.ts";

/** `bifrost mcp config`: the JSON an AI client (Cursor, Claude Code, VS Code) needs to use the workflows as tools. */
export function registerMcpCommands(program: Command): void {
  const mcp = program.command("mcp").description("MCP: the tool workflows for AI agents (Cursor, Claude, VS Code)");

  mcp
    .command("config")
    .description(
      "print the MCP client config for this server: URL (from BIFROST_URL), token placeholder, the Config-* headers the tools declare",
    )
    .option("--org <name>", "the org whose tools to use (/mcp/<org>); default: the token's own scope (/mcp)")
    .addOption(new Option("--client <client>", "the client the JSON is for").choices(MCP_CLIENTS).default("cursor"))
    .option("--json", "print the URL, headers, file and client JSON as one object")
    .action(async (options: { org?: string; client: McpClient; json?: boolean }) => {
      const api = new ApiClient();
      // The server checks the scope (403/404 as for any API call) and knows which Config-* headers the tools declare.
      const served = await api.request<McpClientConfig>("GET", "/api/mcp/config", {
        query: { scope: options.org, client: options.client },
      });
      const names = served.userConfig;
      const config = mcpClientConfig({
        baseUrl: api.baseUrl,
        org: options.org ?? null,
        client: options.client,
        userConfig: names,
      });
      if (options.json) return printJson(config);
      printJson(config.config);
      process.stderr.write(`# ${config.file}\n`);
      if (options.client === "vscode")
        process.stderr.write("# VS Code asks for the token and each Config-* value when it starts the server\n");
      else
        process.stderr.write(
          `# the client reads ${[TOKEN_VARIABLE, ...names.map(variableOf)].join(", ")} from its environment\n`,
        );
    });
}
