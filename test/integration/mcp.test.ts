import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type CallToolResult, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { fileURLToPath } from "node:url";
import { createRedisConnection } from "../../src/queue/redis-connection.ts";
import { dumpAllTables } from "../support/test-database.ts";
import { filesUnder, findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// The MCP server end to end, driven by the SDK's own Client over Streamable HTTP: real API,
// worker, database and Redis. Tool workflows: test/fixtures/workflows-mcp.

const MCP_WORKFLOWS = fileURLToPath(new URL("../fixtures/workflows-mcp/", import.meta.url));

let t: TestPlatform;
let admin: Api;
let acmeToken: string;
let otherToken: string;
let acmeId: string;

beforeAll(async () => {
  t = await startTestPlatform({ worker: true, workflowsDir: MCP_WORKFLOWS });
  admin = t.api(t.adminToken);
  acmeToken = await t.orgToken("mcp-acme");
  otherToken = await t.orgToken("mcp-other");
  acmeId = (await t.platform.orgs.find("mcp-acme"))!.id;
});
afterAll(() => t?.close());

const open: Client[] = [];
afterAll(async () => {
  for (const client of open) await client.close().catch(() => undefined);
});

/** A connected SDK client for `path` (`/mcp` or `/mcp/<scope>`), with the bearer token and extra headers. */
async function connect(token: string, path = "/mcp", headers: Record<string, string> = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(t.url + path), {
    requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
  });
  const client = new Client({ name: "bifrost-test", version: "1.0.0" });
  await client.connect(transport);
  open.push(client);
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (result: CallToolResult) => (result.content[0] as { type: "text"; text: string }).text;
const executionsOf = async (workflow: string) =>
  (await admin("GET", `/api/executions?workflow=${workflow}&limit=1000`)).body as {
    id: string;
    status: string;
    trigger: string;
    org: { name: string } | null;
  }[];

describe("tools/list", () => {
  it("offers the tool workflows only, with their schemas and annotations", async () => {
    const { tools } = await (await connect(t.adminToken)).listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "count_words",
      "echo_text",
      "fail_with_secret",
      "noop_tool",
      "partner_lookup",
      "short_timeout",
      "slow_tool",
    ]);
    const echo = tools.find((tool) => tool.name === "echo_text")!;
    expect(echo).toMatchObject({
      title: "Echo text",
      description: "Repeats a text",
      inputSchema: {
        type: "object",
        properties: { text: { type: "string", minLength: 1 }, times: { type: "integer", default: 1 } },
        required: ["text"],
      },
      outputSchema: { type: "object", properties: { echoed: { type: "string" } }, required: ["echoed"] },
      annotations: { title: "Echo text", readOnlyHint: true },
    });
    expect(echo.inputSchema).not.toHaveProperty("$schema");
    const noop = tools.find((tool) => tool.name === "noop_tool")!;
    expect(noop.inputSchema).toEqual({ type: "object" });
    // A result that is no object gets no outputSchema; a workflow that says nothing is not read-only.
    const count = tools.find((tool) => tool.name === "count_words")!;
    expect(count).not.toHaveProperty("outputSchema");
    expect(count.annotations).toMatchObject({ readOnlyHint: false });
  });

  it("answers GET and DELETE with 405 and a JSON-RPC error, and no token with 401", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await admin(method, "/mcp");
      expect(res.status).toBe(405);
      expect(res.body).toMatchObject({
        jsonrpc: "2.0",
        error: { code: -32000, message: expect.stringContaining("POST") },
        id: null,
      });
    }
    const anonymous = await t.api(null)("POST", "/mcp", { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ jsonrpc: "2.0", error: { data: { code: "UNAUTHORIZED" } } });
  });
});

describe("tools/call", () => {
  it("runs the workflow and answers structuredContent and its JSON as text", async () => {
    const client = await connect(t.adminToken);
    await client.listTools(); // the client checks structuredContent against the outputSchema it listed
    const result = await call(client, "echo_text", { text: "hi", times: 2 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ echoed: "hi hi" });
    expect(JSON.parse(textOf(result))).toEqual({ echoed: "hi hi" });
    const [run] = await executionsOf("echo_text");
    expect(run).toMatchObject({ status: "success", trigger: "mcp", org: null });
  });

  it("answers a result that is no object as text only", async () => {
    const result = await call(await connect(t.adminToken), "count_words", { text: "one two three" });
    expect(result).toMatchObject({ content: [{ type: "text", text: "3" }] });
    expect(result).not.toHaveProperty("structuredContent");
  });

  it("answers a failed run with isError and its scrubbed reason", async () => {
    const secret = makeSecret("mcp secret");
    await admin("PUT", "/api/configs/mcp_secret", { type: "secret", value: secret.plaintext });
    const result = await call(await connect(t.adminToken), "fail_with_secret");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^The run failed \(execution [0-9a-f-]{36}\): .*could not reach the partner with \[REDACTED\]/,
    );
    expect(JSON.stringify(result)).not.toContain(secret.core);
  });

  it("answers bad arguments with isError naming each problem, and starts nothing", async () => {
    const before = (await executionsOf("echo_text")).length;
    const result = await call(await connect(t.adminToken), "echo_text", { text: 5, times: 9 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^VALIDATION_ERROR: invalid arguments: arguments\.text: .*; arguments\.times: /);
    expect((await executionsOf("echo_text")).length).toBe(before);
  });

  it("refuses an unknown tool and a workflow that is no tool with a JSON-RPC error", async () => {
    const client = await connect(t.adminToken);
    for (const name of ["no_such_tool", "internal_only"]) {
      const error = await client.callTool({ name, arguments: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpError);
      expect(error).toMatchObject({
        code: ErrorCode.InvalidParams,
        message: expect.stringContaining(`Unknown tool: "${name}"`),
      });
    }
    expect(await executionsOf("internal_only")).toEqual([]);
  });

  it("ends a run that outlives its timeout with isError", async () => {
    const result = await call(await connect(t.adminToken), "short_timeout");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^The run timed out \(execution /);
  });
});

describe("tokens and scopes", () => {
  it("runs an org token's calls in its own org on /mcp, and an admin's in the org /mcp/:scope names", async () => {
    await call(await connect(acmeToken), "noop_tool");
    await call(await connect(t.adminToken, "/mcp/mcp-acme"), "noop_tool");
    await call(await connect(acmeToken, `/mcp/${acmeId}`), "noop_tool");
    const runs = await executionsOf("noop_tool");
    expect(runs.map((run) => run.org?.name)).toEqual(["mcp-acme", "mcp-acme", "mcp-acme"]);
  });

  it("refuses an org token another org's scope, an org that does not exist and global, with one answer", async () => {
    const answers = [];
    for (const path of ["/mcp/mcp-acme", "/mcp/no-such-org", "/mcp/global"]) {
      const error = await connect(otherToken, path).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 403 });
      const res = await t.api(otherToken)(
        "POST",
        path,
        { jsonrpc: "2.0", id: 1, method: "tools/list" },
        { accept: "application/json, text/event-stream" },
      );
      expect(res.status).toBe(403);
      answers.push(res.body);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(JSON.stringify(answers)).not.toContain("mcp-acme");
  });

  it("lets a read-only token list tools but refuses its calls, saying why", async () => {
    const org = (await t.platform.orgs.find("mcp-acme"))!;
    const { token } = await t.platform.tokens.create({ role: "org", org, readOnly: true }, "mcp-read-only", "test");
    const client = await connect(token);
    expect((await client.listTools()).tools.length).toBe(7);
    const before = (await executionsOf("noop_tool")).length;
    const result = await call(client, "noop_tool");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^FORBIDDEN: This token is read-only/);
    expect((await executionsOf("noop_tool")).length).toBe(before);
  });
});

describe("per-user config", () => {
  it("gives the request's Config-* headers to the run, scrubbed", async () => {
    const value = `user_key_${"k".repeat(4)}_${Date.now()}`;
    const client = await connect(acmeToken, "/mcp", { "Config-Api-Key": value, "X-Not-Config": "ignored" });
    const result = await call(client, "partner_lookup", { query: "acme" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ query: "acme", key: "[REDACTED]", other: null });
    const [run] = await executionsOf("partner_lookup");
    const view = (await admin("GET", `/api/executions/${run.id}`)).body;
    expect(view.logs[0].message).toBe("looking up acme with [REDACTED]");
    expect(JSON.stringify(view)).not.toContain(value);
  });

  it("refuses a call without a declared Config-* header before queueing, on MCP and on the API", async () => {
    const before = (await executionsOf("partner_lookup")).length;
    const result = await call(await connect(acmeToken), "partner_lookup", { query: "acme" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'USER_CONFIG_MISSING: Workflow "partner_lookup" needs per-user config that this request does not carry: send the header Config-api-key',
    );
    const res = await t.api(acmeToken)("POST", "/api/workflows/partner_lookup/executions", {
      params: { query: "acme" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: "USER_CONFIG_MISSING",
      details: { workflow: "partner_lookup", missing: ["api-key"] },
    });
    expect((await executionsOf("partner_lookup")).length).toBe(before);
    // Folded as headers are: Config-API_KEY is the declared api_key.
    const folded = await t.api(acmeToken)(
      "POST",
      "/api/workflows/partner_lookup/executions?wait=20000",
      { params: { query: "x" } },
      { "Config-API_KEY": "folded-value-123" },
    );
    expect(folded.body.status).toBe("success");
  });

  it("lists declared per-user config and readOnly in GET /api/workflows", async () => {
    const { workflows } = (await admin("GET", "/api/workflows")).body as {
      workflows: { name: string; userConfig: string[]; readOnly: boolean }[];
    };
    expect(workflows.find((w) => w.name === "partner_lookup")).toMatchObject({
      userConfig: ["api-key"],
      readOnly: false,
    });
    expect(workflows.find((w) => w.name === "echo_text")).toMatchObject({ userConfig: [], readOnly: true });
  });
});

describe("progress, cancellation and disconnects", () => {
  it("sends progress notifications while the run goes when the client asks", async () => {
    const progress: Progress[] = [];
    const result = (await (
      await connect(t.adminToken)
    ).callTool({ name: "slow_tool", arguments: { ms: 1_500 } }, undefined, {
      onprogress: (p) => progress.push(p),
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ waited: 1_500, cancelled: false });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/^running \(execution [0-9a-f-]{36}\)$/),
    );
    // The run's log line, stored while it runs, reaches the client before the answer.
    expect(progress.map((p) => p.message)).toContain("info: started waiting");
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
  });

  it("cancels the run when the client cancels the call", async () => {
    const client = await connect(t.adminToken);
    const controller = new AbortController();
    let running: (id: string) => void;
    const started = new Promise<string>((resolve) => (running = resolve));
    const calling = client
      .callTool({ name: "slow_tool", arguments: { ms: 30_000 } }, undefined, {
        signal: controller.signal,
        onprogress: (p) => {
          const match = /^running \(execution ([0-9a-f-]{36})\)$/.exec(p.message ?? "");
          if (match) running(match[1]);
        },
      })
      .catch((error: unknown) => error);
    const id = await started;
    controller.abort("changed my mind");
    expect(String(await calling)).toContain("changed my mind");
    const ended = await t.server.executions.waitForEnd(id, 20_000);
    expect(ended.status).toBe("cancelled");
  });

  it("lets the run finish when the client goes away without cancelling", async () => {
    const client = await connect(t.adminToken);
    let running: (id: string) => void;
    const started = new Promise<string>((resolve) => (running = resolve));
    const calling = client
      .callTool({ name: "slow_tool", arguments: { ms: 1_500 } }, undefined, {
        onprogress: (p) => {
          const match = /^running \(execution ([0-9a-f-]{36})\)$/.exec(p.message ?? "");
          if (match) running(match[1]);
        },
      })
      .catch((error: unknown) => error);
    const id = await started;
    await client.close();
    await calling;
    const ended = await t.server.executions.waitForEnd(id, 20_000);
    expect(ended.status).toBe("success");
  });
});

describe("secret hygiene", () => {
  it("leaves no plaintext of a secret or a Config-* value anywhere after MCP calls", async () => {
    const secret = makeSecret("mcp workflow secret", { special: true });
    const user = makeSecret("mcp per-user value");
    await admin("PUT", "/api/configs/mcp_secret", { type: "secret", value: secret.plaintext });
    const { settings, logger } = t.platform;
    const listener = createRedisConnection(settings.redisUrl, logger, { role: "test-listener" });
    const messages: string[] = [];
    listener.on("pmessage", (_pattern: string, channel: string, message: string) =>
      messages.push(`${channel} ${message}`),
    );
    await listener.psubscribe(`${settings.queuePrefix}:*`);
    const responses: string[] = [];
    try {
      const client = await connect(acmeToken, "/mcp", { "Config-Api-Key": user.plaintext });
      responses.push(JSON.stringify(await call(client, "fail_with_secret")));
      responses.push(JSON.stringify(await call(client, "partner_lookup", { query: "acme" })));
      // A refused call: the per-user value must not come back in its error either.
      responses.push(JSON.stringify(await call(client, "echo_text", { text: 7 })));
      await listener.ping();
    } finally {
      listener.disconnect();
    }
    responses.push(
      (await admin("GET", "/api/executions?limit=1000")).text,
      (await admin("GET", "/api/audit?limit=1000")).text,
    );
    const leaks = findLeaks(
      [
        { where: "database tables", content: await dumpAllTables(t.db) },
        ...filesUnder(t.db.dir),
        { where: "Redis", content: await t.redisDump() },
        { where: "Redis pub/sub", content: messages.join("\n") },
        ...responses.map((content, i) => ({ where: `response ${i}`, content })),
      ],
      [...needlesFor(secret), ...needlesFor(user)],
    );
    expect(leaks).toEqual([]);
  });
});
