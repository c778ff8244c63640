import { describe, expect, it } from "vitest";
import { workflow } from "bifrost-ts/sdk";
import { workflowsSince, registryMark } from "../../sdk/workflow-registry.ts";
import { mcpClientConfig } from "../../src/mcp/client-config.ts";
import { toTool } from "../../src/mcp/workflow-tools.ts";
import type { WorkflowInfo } from "../../src/workflows/workflow-view.ts";

// The pure parts of the MCP server: declared per-user config, tools from workflow info, client snippets.

describe("@workflow userConfig", () => {
  it("folds names as Config-* headers do, once each", () => {
    const mark = registryMark();
    class Tools {
      @workflow({ name: "folded_user_config", userConfig: ["API_Key", "api-key", "Partner_Token"], readOnly: true })
      run() {
        return null;
      }
    }
    void Tools;
    const [definition] = workflowsSince(mark);
    expect(definition).toMatchObject({ userConfig: ["api-key", "partner-token"], readOnly: true });
  });

  it.each(["", "-leading", "has space", "x".repeat(101), "\u212Aey"])(
    "refuses %j, which no Config-* header can carry",
    (name) => {
      expect(() => workflow({ name: "bad_user_config", userConfig: [name] })).toThrow(
        /userConfig .* is not a Config-<Name> header name/,
      );
    },
  );
});

const info = (over: Partial<WorkflowInfo>): WorkflowInfo => ({
  name: "a_tool",
  description: null,
  category: null,
  params: { type: "object" },
  result: null,
  tool: true,
  secrets: [],
  userConfig: [],
  readOnly: false,
  timeoutMs: 1000,
  retries: 0,
  memoryLimitMb: null,
  file: "a.ts",
  ...over,
});

describe("toTool", () => {
  it("marks params that are no object schema as one, and drops the dialect", () => {
    const tool = toTool(
      info({
        params: {
          $schema: "https://json-schema.org/draft/2020-12/schema",
          anyOf: [{ type: "object" }, { type: "object" }],
        },
      }),
    );
    expect(tool.inputSchema).toEqual({ type: "object", anyOf: [{ type: "object" }, { type: "object" }] });
  });

  it("gives an outputSchema only for an object result", () => {
    expect(toTool(info({ result: { type: "string" } }))).not.toHaveProperty("outputSchema");
    expect(toTool(info({ result: { type: "object", properties: {} } })).outputSchema).toEqual({
      type: "object",
      properties: {},
    });
  });
});

describe("mcpClientConfig", () => {
  it("needs no Config-* header when no tool declares one, and encodes the org in the URL", () => {
    const built = mcpClientConfig({
      baseUrl: "https://b.example/",
      org: "Acme Corp",
      client: "claude",
      userConfig: [],
    });
    expect(built.url).toBe("https://b.example/mcp/Acme%20Corp");
    expect(built.config).toEqual({
      mcpServers: {
        "bifrost-acme-corp": { type: "http", url: built.url, headers: { Authorization: "Bearer ${BIFROST_TOKEN}" } },
      },
    });
  });
});
