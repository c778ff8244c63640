import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { fileURLToPath } from "node:url";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";
import { lines, runCli, type CliResult } from "./cli-runner.ts";

// `bifrost mcp config` (the real CLI) and GET /api/mcp/config, whose snippets must work as given.

const TIMEOUT = 60_000;
const MCP_WORKFLOWS = fileURLToPath(new URL("../fixtures/workflows-mcp/", import.meta.url));

let t: TestPlatform;
let acmeToken: string;
beforeAll(async () => {
  t = await startTestPlatform({ worker: true, workflowsDir: MCP_WORKFLOWS });
  acmeToken = await t.orgToken("cli-mcp-acme");
  await t.orgToken("cli-mcp-other");
});
afterAll(() => t?.close());

const cli = (args: string[], env: Record<string, string> = t.env()) => runCli(args, { env });

function expectOk(result: CliResult): void {
  expect(result.code, `bifrost ${result.args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
}

describe("bifrost mcp config", () => {
  it(
    "prints Cursor's JSON by default: URL from BIFROST_URL, token and Config-* placeholders",
    { timeout: TIMEOUT },
    async () => {
      const result = await cli(["mcp", "config"]);
      expectOk(result);
      expect(JSON.parse(result.stdout)).toEqual({
        mcpServers: {
          bifrost: {
            url: `${t.url}/mcp`,
            headers: {
              Authorization: "Bearer ${env:BIFROST_TOKEN}",
              "Config-Api-Key": "${env:BIFROST_CONFIG_API_KEY}",
            },
          },
        },
      });
      expect(result.stdout).not.toContain(t.adminToken);
      expect(result.stderr).toContain("BIFROST_TOKEN, BIFROST_CONFIG_API_KEY");
    },
  );

  it("prints Claude Code's and VS Code's forms for an org", { timeout: TIMEOUT }, async () => {
    const claude = await cli(["mcp", "config", "--org", "cli-mcp-acme", "--client", "claude"]);
    expectOk(claude);
    expect(JSON.parse(claude.stdout)).toEqual({
      mcpServers: {
        "bifrost-cli-mcp-acme": {
          type: "http",
          url: `${t.url}/mcp/cli-mcp-acme`,
          headers: { Authorization: "Bearer ${BIFROST_TOKEN}", "Config-Api-Key": "${BIFROST_CONFIG_API_KEY}" },
        },
      },
    });
    const vscode = await cli(["mcp", "config", "--client", "vscode", "--json"]);
    expectOk(vscode);
    const printed = JSON.parse(vscode.stdout);
    expect(printed).toMatchObject({
      client: "vscode",
      url: `${t.url}/mcp`,
      file: ".vscode/mcp.json",
      userConfig: ["api-key"],
      userConfigHeaders: ["Config-Api-Key"],
    });
    expect(printed.config).toEqual({
      servers: {
        bifrost: {
          type: "http",
          url: `${t.url}/mcp`,
          headers: {
            Authorization: "Bearer ${input:bifrost-token}",
            "Config-Api-Key": "${input:bifrost-config-api-key}",
          },
        },
      },
      inputs: [
        { type: "promptString", id: "bifrost-token", description: "Bifrost API token", password: true },
        {
          type: "promptString",
          id: "bifrost-config-api-key",
          description: "Config-Api-Key (your own value)",
          password: true,
        },
      ],
    });
  });

  it("refuses another org (3) and an unknown client (2)", { timeout: TIMEOUT }, async () => {
    const denied = await cli(["mcp", "config", "--org", "cli-mcp-other"], t.env({ BIFROST_TOKEN: acmeToken }));
    expect(denied.code).toBe(3);
    expect(lines(denied.stderr)).toHaveLength(1);
    expect(denied.stdout).toBe("");
    const usage = await cli(["mcp", "config", "--client", "emacs"]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe("");
  });

  it("documents itself with examples", { timeout: TIMEOUT }, async () => {
    const help = await cli(["mcp", "config", "--help"]);
    expectOk(help);
    expect(help.stdout).toContain("--client <client>");
    expect(help.stdout).toContain("bifrost mcp config --org acme --client claude > .mcp.json");
  });

  it("gives a snippet that works once its placeholders are filled", { timeout: TIMEOUT }, async () => {
    const result = await cli(["mcp", "config", "--org", "cli-mcp-acme"], t.env({ BIFROST_TOKEN: acmeToken }));
    expectOk(result);
    const server = JSON.parse(result.stdout).mcpServers["bifrost-cli-mcp-acme"] as {
      url: string;
      headers: Record<string, string>;
    };
    const values: Record<string, string> = {
      BIFROST_TOKEN: acmeToken,
      BIFROST_CONFIG_API_KEY: "filled-in-user-key-123",
    };
    const headers = Object.fromEntries(
      Object.entries(server.headers).map(([name, value]) => [
        name,
        value.replace(/\$\{env:([A-Z_]+)\}/g, (_, variable: string) => values[variable]),
      ]),
    );
    const client = new Client({ name: "snippet-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
    try {
      const called = (await client.callTool({ name: "partner_lookup", arguments: { query: "q" } })) as CallToolResult;
      expect(called.isError).toBeFalsy();
      expect(called.structuredContent).toEqual({ query: "q", key: "[REDACTED]", other: null });
    } finally {
      await client.close();
    }
  });

  it("serves the same snippet to the console at GET /api/mcp/config", async () => {
    const res = await t.api(acmeToken)("GET", "/api/mcp/config?client=cursor");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client: "cursor",
      url: `${t.url}/mcp`,
      headers: { Authorization: "Bearer ${env:BIFROST_TOKEN}" },
    });
    expect((await t.api(acmeToken)("GET", "/api/mcp/config?scope=cli-mcp-other")).status).toBe(403);
    expect((await t.api(acmeToken)("GET", "/api/mcp/config?client=emacs")).body.error.code).toBe("VALIDATION_ERROR");
  });
});
