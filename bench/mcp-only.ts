import { benchEnvironment, stopWorkers, type Provider } from "./environment.ts";
import { mcpRow } from "./mcp-figures.ts";

// `npm run bench -- mcp`: only the MCP row (and its HTTP peer), on each database; printed, not
// written to BENCHMARKS.md (the full `npm run bench` writes it there with every other figure).

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
for (const provider of (process.env.BENCH_ORDER ?? "sqlite,postgresql").split(",") as Provider[]) {
  const env = await benchEnvironment(provider);
  try {
    const workers = await env.startWorkers(1, 100);
    const row = await mcpRow(env, RUNS);
    await stopWorkers(workers);
    process.stdout.write(
      `${provider}: ${row.figure}: ${row.value}; ${row.peer}; ratio ${row.ratio} (goal ${row.goal}: ${row.met ? "met" : "NOT met"}); ${row.scale}\n`,
    );
  } finally {
    await env.close();
  }
}
process.exit(0);
