import { GLOBAL, GLOBAL_SCOPE, scopeId } from "../src/orgs/index.ts";
import { benchEnvironment, stopWorkers, type Provider } from "./environment.ts";
import { percentile } from "./measure.ts";
import { httpWaitLatencies, platformThroughput } from "./queue-figures.ts";
import { configGets, seedSecret } from "./secret-figures.ts";
import { requestsPerSecond, seedGlobalConfigs } from "./store-figures.ts";

// `npm run bench -- stores`: the figures the stores (configs, orgs, tokens) sit under, on each
// database, one JSON line per figure: printed, not written to BENCHMARKS.md. Run it in two trees
// in turn (A B A B ...) to compare a change with what came before it. The whole-system figures
// swing by 20% or more between runs of the same code on a shared host; the `cpu:` figures (this
// process's CPU ms for 10,000 calls of one store path, in-process) hold within a few percent.

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** This process's CPU time (user + system) for `count` sequential calls, in ms. */
async function cpuMs(count: number, call: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

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
    const header = `Bearer ${env.adminToken}`;
    const paths: Record<string, () => Promise<unknown>> = {
      "cpu: cached GET /api/configs list (revision read)": () => env.platform.configs.listRendered(GLOBAL_SCOPE),
      "cpu: a claim's scrubber (revision read)": () => env.platform.configs.scopeScrubber(GLOBAL),
      "cpu: token authentication": () => env.platform.tokens.authenticate(header),
      "cpu: a claim's org read": () => env.platform.orgs.getForClaim(scopeId(org)),
    };
    for (const [figure, call] of Object.entries(paths)) {
      figures[figure] = [];
      for (let i = 0; i < Math.max(RUNS, 5); i++) figures[figure].push(await cpuMs(10_000, call));
    }
    for (const [figure, values] of Object.entries(figures)) {
      process.stdout.write(`${JSON.stringify({ provider, figure, median: median(values), values })}\n`);
    }
  } finally {
    await env.close();
  }
}
process.exit(0);
