import { benchEnvironment } from "./environment.ts";
import { percentile } from "./measure.ts";
import { GLOBAL_SCOPE } from "../src/orgs/index.ts";
const env = await benchEnvironment("sqlite");
await env.startWorkers(1, 100);
const time = async (label: string, fn: () => Promise<unknown>, n = 200) => {
  for (let i = 0; i < 20; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); out.push(performance.now() - t); }
  console.log(label.padEnd(40), "p50", percentile(out, 50).toFixed(2));
};
const h = { authorization: `Bearer ${env.adminToken}` };
await time("GET /health", async () => (await fetch(`${env.server.url}/health`)).arrayBuffer());
await time("GET /api/workflows (auth)", async () => (await fetch(`${env.server.url}/api/workflows`, { headers: h })).arrayBuffer());
await time("POST execute no wait", async () => (await fetch(`${env.server.url}/api/workflows/bench_noop/executions`, { method: "POST", headers: h })).arrayBuffer());
await time("service start()", () => env.server.executions.start({ workflow: "bench_noop", scope: GLOBAL_SCOPE, params: {}, userConfig: {}, actor: "b" }));
await time("service start()+waitForEnd", async () => { const r = await env.server.executions.start({ workflow: "bench_noop", scope: GLOBAL_SCOPE, params: {}, userConfig: {}, actor: "b" }); await env.server.executions.waitForEnd(r.id, 10000); });
await time("POST execute wait", async () => (await fetch(`${env.server.url}/api/workflows/bench_noop/executions?wait=10000`, { method: "POST", headers: h })).arrayBuffer());
const all = (globalThis as any).__T as number[][]; const last = all.slice(-200); for (let k = 0; k < 5; k++) console.log("seg", k, percentile(last.map((r) => r[k]), 50).toFixed(3));
await env.close();
process.exit(0);
