import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import type { BenchEnvironment } from "./environment.ts";
import { request } from "./http-client.ts";
import { fmt, latencySummary, percentile, range, timings } from "./measure.ts";
import { httpWaitLatencies } from "./queue-figures.ts";

// MCP `tools/call` of the no-op workflow against `POST /api/workflows/bench_noop/executions?wait=`
// of the same workflow, alternating runs in the same environment. The MCP side is a plain
// JSON-RPC POST on the same node:http client as the HTTP figure (stateless Streamable HTTP needs
// no initialize round trip), so the ratio is the server's cost, not a client library's.

const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "bench_noop", arguments: {} },
});

/** MCP tools/call of bench_noop, one at a time per client (ms per call). */
export function mcpCallLatencies(env: BenchEnvironment, count: number, clients = 1): Promise<number[]> {
  const headers = {
    authorization: `Bearer ${env.adminToken}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
  };
  return timings(
    count,
    async () => {
      const res = await request(`${env.server.url}/mcp`, { method: "POST", headers, body: CALL });
      if (res.status !== 200 || !res.body.includes('"result"') || res.body.includes('"isError":true'))
        throw new Error(`POST /mcp answered ${res.status}: ${res.body}`);
    },
    clients,
  );
}

export interface McpRow {
  figure: string;
  value: string;
  peer: string;
  ratio: string;
  goal: string;
  met: boolean | null;
  scale?: string;
}

/** The MCP row: needs a worker running bench_noop. */
export async function mcpRow(env: BenchEnvironment, runs: number): Promise<McpRow> {
  // Warm-up on both sides: the first requests pay for compiling each path.
  await httpWaitLatencies(env, 500);
  await mcpCallLatencies(env, 500);
  const httpRuns: number[][] = [];
  const mcpRuns: number[][] = [];
  for (let i = 0; i < runs; i++) {
    httpRuns.push(await httpWaitLatencies(env, 300));
    mcpRuns.push(await mcpCallLatencies(env, 300));
  }
  const http = latencySummary(httpRuns);
  const mcp = latencySummary(mcpRuns);
  const http10 = percentile(await httpWaitLatencies(env, 1_000, 10), 50);
  const mcp10 = percentile(await mcpCallLatencies(env, 1_000, 10), 50);
  const ratio = mcp.p50.median / http.p50.median;
  return {
    figure: "MCP tools/call of a no-op tool workflow: p50 / p99 latency",
    value: `${range(mcp.p50, 2)} / ${fmt(mcp.p99.median, 1)} ms`,
    peer: `HTTP execute with \`wait\` of the same workflow, same run: ${range(http.p50, 2)} / ${fmt(http.p99.median, 1)} ms`,
    ratio: fmt(ratio, 2),
    goal: "p50 ≤ 1.3x HTTP",
    met: ratio <= 1.3,
    scale: `with 10 clients at once: p50 ${fmt(mcp10, 1)} ms, HTTP ${fmt(http10, 1)} ms (${fmt(mcp10 / http10, 2)}x)`,
  };
}
