import { benchEnvironment, stopWorkers, type Provider } from "./environment.ts";
import { percentile } from "./measure.ts";
import { httpWaitLatencies, platformThroughput } from "./queue-figures.ts";
import { configGets, seedSecret } from "./secret-figures.ts";
import { requestsPerSecond, seedGlobalConfigs } from "./store-figures.ts";

// `npm run bench -- stores`: the figures the stores (configs, orgs, tokens) sit under, on each
// database, one JSON line per figure: printed, not written to BENCHMARKS.md. Run it in two trees
// in turn (A B A B ...) to compare a change with what came before it.

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const provider of (process.env.BENCH_ORDER ?? "sqlite,postgresql").split(",") as Provider[]) {
  const env = await benchEnvironment(provider);
  try {
    const workers = await env.startWorkers(1, 100);
    const org = await seedSecret(env);
    await seedGlobalConfigs(env, 1_000);
    // Warm-up: the server's first requests, the workers' first runs.
    await httpWaitLatencies(env, 300);
    await configGets(env, 2_000);
    await platformThroughput(env, 500, { scope: org });
    const figures: Record<string, number[]> = {
      waitP50Ms: [],
      getsPerSecond: [],
      listPerSecond: [],
      orgRunsPerSecond: [],
    };
    for (let i = 0; i < RUNS; i++) {
      figures.waitP50Ms.push(percentile(await httpWaitLatencies(env, 300), 50));
      figures.getsPerSecond.push((await configGets(env, 2_000)).getsPerSecond);
      figures.listPerSecond.push(await requestsPerSecond(env, "/api/configs?scope=global", 3));
      figures.orgRunsPerSecond.push(await platformThroughput(env, 2_000, { scope: org }));
    }
    await stopWorkers(workers);
    for (const [figure, values] of Object.entries(figures)) {
      process.stdout.write(`${JSON.stringify({ provider, figure, median: median(values), values })}\n`);
    }
  } finally {
    await env.close();
  }
}
process.exit(0);
