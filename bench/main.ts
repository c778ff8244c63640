import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { floorLatencies, withDesignFloor } from "./design-floor.ts";
import { benchEnvironment, stopWorkers, type Provider } from "./environment.ts";
import { fmt, latencySummary, percentile, range, repeat, summarize } from "./measure.ts";
import {
  httpLatencies,
  httpWaitLatencies,
  machineBusy,
  platformThroughput,
  rawLatencies,
  rawThroughput,
  tokenLookupLatencies,
  withRawBullmq,
} from "./queue-figures.ts";
import {
  bareDecryptsPerSecond,
  configGets,
  fernetTokens,
  freshReads,
  npmFernetDecryptsPerSecond,
  oursDecryptsPerSecond,
  pythonDecryptsPerSecond,
  scrubbing,
  seedSecret,
} from "./secret-figures.ts";
import {
  importExport,
  listAfterChange,
  requestsPerSecond,
  seedGlobalConfigs,
  withStaticBytes,
} from "./store-figures.ts";
import { scheduleRows } from "./schedule-rows.ts";
import { cpuBoundRunsPerSecond, hashIterationsFor, idleWorkerMemoryMb } from "./thread-figures.ts";
import { mcpRow } from "./mcp-figures.ts";
import { scaleRows } from "./scale-figures.ts";
import { orgScope } from "../src/orgs/index.ts";
import type { Row } from "./row.ts";

// `npm run bench`: every figure of the benchmark table, on the embedded default (SQLite) and on
// PostgreSQL, each next to its ceiling or peer measured in the same run; written to BENCHMARKS.md.

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OUT = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const ratioText = (r: number) => `${fmt(r, 2)}`;
const signed = (n: number) => `${n >= 0 ? "+" : ""}${fmt(n)}`;
const verdict = (met: boolean | null) => (met === null ? "—" : met ? "yes" : "**no**");

async function providerRows(provider: Provider): Promise<Row[]> {
  const rows: Row[] = [];
  const env = await benchEnvironment(provider);
  try {
    log(`${provider}: one worker process`);
    let workers = await env.startWorkers(1, 100);
    const executions = 2_000;
    // Warm-up: compile, connect, fill caches. After 200 runs, the next 2,000 still went 30–45%
    // slower than the 2,000 after them (PostgreSQL 3,050/s, then 4,000–4,650/s; raw BullMQ warms
    // up within its first run of 20,000 jobs).
    await platformThroughput(env, executions);
    let busy1 = 0;
    const platform1 = await repeat(RUNS, async () => {
      const { result, busy } = await machineBusy(() => platformThroughput(env, executions));
      busy1 = Math.max(busy1, busy);
      return result;
    });
    const small = await platformThroughput(env, executions / 10);
    const raw = await withRawBullmq(async (queue) => ({
      throughput: await repeat(RUNS, () => rawThroughput(queue, 20_000)),
    }));
    const r1 = platform1.median / raw.throughput.median;
    rows.push({
      figure: "no-op executions/s end to end, 1 worker process (enqueue → worker → stored)",
      value: `${range(platform1)}/s`,
      peer: `raw BullMQ ${range(raw.throughput)} jobs/s`,
      ratio: ratioText(r1),
      goal: "≥ 0.25 of raw",
      met: r1 >= 0.25,
      scale: `${fmt(small)}/s for ${executions / 10} executions, ${fmt(platform1.median)}/s for ${executions}`,
    });

    log(`${provider}: HTTP execute with wait`);
    const latency = await withRawBullmq((queue, events) =>
      withDesignFloor(env, async (floor) => {
        // The first requests of a new server pay for compiling its HTTP path (reported apart); the
        // figure is the steady state, after a warm-up on every side.
        const cold = percentile(await httpWaitLatencies(env, 300), 50);
        await httpWaitLatencies(env, 700);
        await rawLatencies(queue, events, 1_000);
        await floorLatencies(floor, 1_000);
        // Runs of the three alternate, so that the machine's drift in speed falls on all alike.
        const rawRuns: number[][] = [];
        const floorRuns: number[][] = [];
        const httpRuns: number[][] = [];
        for (let i = 0; i < RUNS; i++) {
          rawRuns.push(await rawLatencies(queue, events, 300));
          floorRuns.push(await floorLatencies(floor, 300));
          httpRuns.push(await httpWaitLatencies(env, 300));
        }
        // 10x the load: ten clients at once, each one request after the other.
        const raw10 = percentile(await rawLatencies(queue, events, 1_000, 10), 50);
        const floor10 = percentile(await floorLatencies(floor, 1_000, 10), 50);
        const http10 = percentile(await httpWaitLatencies(env, 1_000, 10), 50);
        return {
          cold,
          raw: latencySummary(rawRuns),
          floor: latencySummary(floorRuns),
          http: latencySummary(httpRuns),
          raw10,
          floor10,
          http10,
        };
      }),
    );
    const { cold, http, floor } = latency;
    // Parts of the execute figure measured alone, to show what it is made of (docs/performance.md).
    await httpLatencies(env, "/health", 300);
    const health = percentile(await httpLatencies(env, "/health", 1_000), 50);
    await tokenLookupLatencies(env, 300);
    const lookup = percentile(await tokenLookupLatencies(env, 1_000), 50);
    const httpRatio = http.p50.median / latency.raw.p50.median;
    rows.push({
      figure: "HTTP execute with `wait` on a no-op workflow: p50 / p99 latency",
      value: `${range(http.p50, 1)} / ${fmt(http.p99.median, 1)} ms (the first 300 requests of the server: p50 ${fmt(cold, 1)} ms)`,
      peer: `raw BullMQ add → completed ${range(latency.raw.p50, 2)} / ${fmt(latency.raw.p99.median, 1)} ms; the design floor (the same four database round trips on bare node:http, driver and BullMQ, bench/design-floor.ts) ${range(floor.p50, 2)} / ${fmt(floor.p99.median, 1)} ms = ${ratioText(floor.p50.median / latency.raw.p50.median)}x raw; alone, in this run (p50): HTTP GET /health ${fmt(health, 2)} ms, a token lookup (one database read) ${fmt(lookup, 2)} ms`,
      ratio: `${ratioText(httpRatio)} (${ratioText(http.p50.median / floor.p50.median)}x the floor)`,
      goal: "p50 ≤ 3x raw",
      met: httpRatio <= 3,
      scale: `with 10 clients at once: p50 ${fmt(latency.http10, 1)} ms, raw BullMQ ${fmt(latency.raw10, 2)} ms (${fmt(latency.http10 / latency.raw10, 2)}x), the design floor ${fmt(latency.floor10, 2)} ms (${fmt(latency.floor10 / latency.raw10, 2)}x)`,
    });

    log(`${provider}: MCP tools/call`);
    rows.push(await mcpRow(env, RUNS));

    log(`${provider}: config.get`);
    await seedSecret(env);
    // Warm-up: the read path in the worker takes a few thousand reads to be compiled (measured:
    // the first runs of 2,000 reads went 30k → 110k gets/s), as the bare loop's is in its first.
    for (let i = 0; i < 3; i++) await configGets(env, 2_000);
    const gets = await repeat(RUNS, async () => (await configGets(env, 2_000)).getsPerSecond);
    const getsP99 = (await configGets(env, 2_000)).p99Ms;
    const getsSmall = (await configGets(env, 200)).getsPerSecond;
    const bare = await repeat(RUNS, () => bareDecryptsPerSecond(env));
    rows.push({
      figure: "`config.get` of an org-overridden secret inside a workflow: gets/s (p99)",
      value: `${range(gets)}/s (p99 ${fmt(getsP99, 3)} ms)`,
      peer: `bare Fernet decrypt loop ${range(bare)}/s`,
      ratio: ratioText(gets.median / bare.median),
      goal: "≥ 0.3 of bare",
      met: gets.median / bare.median >= 0.3,
      scale: `${fmt(getsSmall)}/s over 200 reads, ${fmt(gets.median)}/s over 2,000`,
    });
    const fresh = await freshReads(env, 30);
    rows.push({
      figure: "same, right after the value changed through the API",
      value: `${fresh}/30 runs read the new value`,
      peer: "—",
      ratio: "—",
      goal: "the new value, always",
      met: fresh === 30,
    });

    await stopWorkers(workers);
    log(`${provider}: two worker processes`);
    workers = await env.startWorkers(2, 100);
    await platformThroughput(env, 200);
    const platform2 = await repeat(RUNS, () => platformThroughput(env, executions));
    const r2 = platform2.median / platform1.median;
    // The same question asked of BullMQ alone: what a second process can add on this machine.
    const raw2 = await withRawBullmq((queue) => repeat(RUNS, () => rawThroughput(queue, 20_000)), 2);
    await stopWorkers(workers);
    // Scale-out where the cores are not what limits: runs that wait without using the CPU, a few at
    // a time per process, so that a second process can only add what the platform lets it add.
    const waiting = { workflow: "bench_wait", params: { ms: 20 } };
    workers = await env.startWorkers(1, 10);
    await platformThroughput(env, 200, waiting);
    const waiting1 = await repeat(RUNS, () => platformThroughput(env, 1_000, waiting));
    workers.push(...(await env.startWorkers(1, 10)));
    await platformThroughput(env, 200, waiting);
    const waiting2 = await repeat(RUNS, () => platformThroughput(env, 1_000, waiting));
    rows.push({
      figure: "no-op executions/s, 2 worker processes",
      value: `${range(platform2)}/s`,
      peer: `1 worker process ${fmt(platform1.median)}/s, with the machine's ${cpus().length} cores ${fmt(busy1 * 100)}% busy; raw BullMQ, 2 processes: ${fmt(raw2.median)} jobs/s = ${ratioText(raw2.median / raw.throughput.median)}x its 1 process`,
      ratio: `${ratioText(r2)}x`,
      goal: provider === "postgresql" ? "≥ 1.6x" : "(goal is for PostgreSQL)",
      met: provider === "postgresql" ? r2 >= 1.6 : null,
      scale: `runs that each wait 20 ms, 10 at a time per worker process (at most 500/s a process): 1 process ${range(waiting1)}/s, 2 processes ${range(waiting2)}/s = ${ratioText(waiting2.median / waiting1.median)}x`,
    });
    await stopWorkers(workers);

    log(`${provider}: workflow threads`);
    const iterations = hashIterationsFor(50);
    const oneThread = await repeat(RUNS, () => cpuBoundRunsPerSecond(env, 1, 40, iterations));
    const twoThreads = await repeat(RUNS, () => cpuBoundRunsPerSecond(env, 2, 40, iterations));
    const threadRatio = twoThreads.median / oneThread.median;
    const [memory1, memory5] = [await idleWorkerMemoryMb(env, 1), await idleWorkerMemoryMb(env, 5)];
    rows.push({
      figure: "CPU-bound runs (~50 ms of PBKDF2 each, 4 at a time), 1 worker process: runs/s with 2 workflow threads",
      value: `${range(twoThreads)}/s`,
      peer: `1 thread ${range(oneThread)}/s`,
      ratio: `${ratioText(threadRatio)}x`,
      goal: "≥ 1.6x",
      met: threadRatio >= 1.6,
      scale: `an idle worker process: ${fmt(memory1)} MB resident with 1 workflow thread, ${fmt(memory5)} MB with 5: ${fmt((memory5 - memory1) / 4)} MB a thread`,
    });

    log(`${provider}: bundles`);
    const small1k = await importExport(env, 10, 1_000, "small");
    const runs: Awaited<ReturnType<typeof importExport>>[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await importExport(env, 100, 10_000, `big${i}`));
    const imp = summarize(runs.map((r) => r.importMs));
    const exp = summarize(runs.map((r) => r.exportMs));
    rows.push({
      figure: "import of 10,000 configs over 100 orgs (portable)",
      value: `${range(imp)} ms, RSS ${signed(Math.max(...runs.map((r) => r.importRssMb)))} MB`,
      peer: "—",
      ratio: "—",
      goal: "≤ 2 s",
      met: imp.median <= 2_000,
      scale: `${fmt(small1k.importMs)} ms for 1,000 configs`,
    });
    rows.push({
      figure: "export of the same (the database then holds up to 41,000 configs)",
      value: `${range(exp)} ms, RSS ${signed(Math.max(...runs.map((r) => r.exportRssMb)))} MB`,
      peer: "—",
      ratio: "—",
      goal: "≤ 2 s",
      met: exp.median <= 2_000,
      scale: `${fmt(small1k.exportMs)} ms with 1,000 configs stored`,
    });

    log(`${provider}: GET /api/configs`);
    await seedGlobalConfigs(env, 1_000);
    const listBody = Buffer.from(
      await (
        await fetch(`${env.server.url}/api/configs?scope=global`, {
          headers: { authorization: `Bearer ${env.adminToken}` },
        })
      ).arrayBuffer(),
    );
    // Runs of the three alternate, so that the machine's drift falls on all alike.
    const { list, stat, bytes } = await withStaticBytes(env, listBody, async (staticBytes) => {
      const runs = { list: [] as number[], stat: [] as number[], bytes: [] as number[] };
      for (let i = 0; i < RUNS; i++) {
        runs.list.push(await requestsPerSecond(env, "/api/configs?scope=global", 3));
        runs.stat.push(await requestsPerSecond(env, "/health", 3, 16, false));
        runs.bytes.push(await staticBytes(3));
      }
      return { list: summarize(runs.list), stat: summarize(runs.stat), bytes: summarize(runs.bytes) };
    });
    await seedGlobalConfigs(env, 100, "list-small");
    const list100 = await requestsPerSecond(env, "/api/configs?scope=list-small", 3);
    const missMs = await listAfterChange(env, "/api/configs?scope=global", "global", 20);
    rows.push({
      figure: "`GET /api/configs` of 1,000 configs, requests/s",
      value: `${range(list)}/s (right after a change, rendered anew: ${fmt(missMs, 1)} ms)`,
      peer: `static JSON route (/health) ${range(stat)}/s; the list's ${fmt(listBody.length / 1024)} KB from memory on Express with the same headers and request log, no authentication, no reads: ${range(bytes)}/s (${ratioText(bytes.median / stat.median)} of /health; the list gets ${ratioText(list.median / bytes.median)} of it)`,
      ratio: ratioText(list.median / stat.median),
      goal: "≥ 0.3",
      met: list.median / stat.median >= 0.3,
      scale: `${fmt(list100)}/s for 100 configs, ${fmt(list.median)}/s for 1,000`,
    });

    log(`${provider}: schedules`);
    rows.push(...(await scheduleRows(env, RUNS, log)));

    // Every run is scrubbed of every secret of its scope: runs/s as the secrets grow (last, so that
    // they weigh on no other figure).
    log(`${provider}: executions with secrets in scope`);
    const org = orgScope(await env.platform.orgs.create("bench-secrets", "bench"));
    workers = await env.startWorkers(1, 100);
    const withSecrets: string[] = [];
    let seeded = 0;
    for (const count of [10, 100, 1_000]) {
      for (; seeded < count; seeded++)
        await env.platform.configs.set(
          org,
          `scope_secret_${seeded}`,
          { type: "secret", value: `secret-value-${seeded}-${"s".repeat(24)}` },
          "bench",
        );
      await platformThroughput(env, executions / 4, { scope: org });
      withSecrets.push(`${fmt(await platformThroughput(env, executions, { scope: org }))}/s with ${fmt(count)}`);
    }
    // A per-user config value (a `Config-*` header) is scrubbed too, with the scope's secrets.
    const perUser = { api_key: `per-user-${"u".repeat(24)}` };
    await platformThroughput(env, executions / 4, { scope: org, userConfig: perUser });
    const withPerUser = await platformThroughput(env, executions, { scope: org, userConfig: perUser });
    await stopWorkers(workers);
    rows[0].scale += `; in an org whose scope holds ${withSecrets.join(", ")} secrets, ${fmt(withPerUser)}/s with 1,000 and a per-user config value`;
  } finally {
    await env.close();
  }
  return rows;
}

async function sharedRows(): Promise<Row[]> {
  log("Fernet");
  const ours = await repeat(RUNS, () => oursDecryptsPerSecond());
  const npm = await repeat(RUNS, () => npmFernetDecryptsPerSecond());
  const python = pythonDecryptsPerSecond();
  // 10x the work: a secret ten times as long (430 bytes), same number of tokens.
  const longTokens = fernetTokens("x".repeat(430));
  const oursLong = await repeat(RUNS, () => oursDecryptsPerSecond(longTokens));
  const pythonLong = pythonDecryptsPerSecond(longTokens);
  const rows: Row[] = [
    {
      figure: "Fernet decrypt/s (20k tokens of a 43-byte secret)",
      value: `${range(ours)}/s`,
      peer: `npm \`fernet\` ${range(npm)}/s; Python \`cryptography\` ${python === null ? "not installed" : `${fmt(python)}/s`}`,
      ratio:
        python === null
          ? `${ratioText(ours.median / npm.median)}x npm`
          : `${ratioText(ours.median / python)}x Python, ${ratioText(ours.median / npm.median)}x npm`,
      goal: "≥ 1.5x Python",
      met: python === null ? null : ours.median / python >= 1.5,
      scale: `${fmt(oursLong.median)}/s for a 430-byte secret${pythonLong === null ? "" : ` (Python ${fmt(pythonLong)}/s: ${ratioText(oursLong.median / pythonLong)}x)`}, ${fmt(ours.median)}/s for 43 bytes`,
    },
  ];
  log("scrubbing");
  for (const secrets of [10, 100, 1_000]) {
    const measured = Array.from({ length: RUNS }, () => scrubbing(secrets, 1));
    const runs = summarize(measured.map((m) => m.scrubMs));
    const pass = summarize(measured.map((m) => m.indexOfMs));
    const build = summarize(measured.map((m) => m.buildMs));
    rows.push({
      figure: `scrubbing a 1 MB log with ${fmt(secrets)} secrets (and their encodings)`,
      value: `${range(runs, 1)} ms (building the scrubber: ${fmt(build.median, 1)} ms)`,
      peer: `one \`indexOf\` pass (a secret not in the text) ${range(pass, 2)} ms`,
      ratio: `${fmt(runs.median / pass.median, 1)}x`,
      goal: "flat in secrets; ≤ 10x one pass",
      met: runs.median / pass.median <= 10,
      scale: secrets === 100 ? `${fmt(scrubbing(100, 10).scrubMs, 1)} ms for 10 MB` : undefined,
    });
  }
  return rows;
}

function table(rows: Row[]): string {
  const head =
    "| figure | measured: median (min–max) | ceiling or peer, same run | ratio | goal | met |\n|---|---|---|---|---|---|\n";
  return (
    head +
    rows.map((r) => `| ${r.figure} | ${r.value} | ${r.peer} | ${r.ratio} | ${r.goal} | ${verdict(r.met)} |`).join("\n")
  );
}

function scaling(rows: Row[]): string {
  return rows
    .filter((r) => r.scale)
    .map((r) => `- ${r.figure.split(":")[0]}: ${r.scale}`)
    .join("\n");
}

const started = new Date();
const shared = await sharedRows();
// BENCH_ORDER=postgresql,sqlite runs PostgreSQL first: a shared machine's speed can drift
// within a run, and the order shows whether a difference between the two comes from that.
const results = new Map<Provider, Row[]>();
for (const provider of (process.env.BENCH_ORDER ?? "sqlite,postgresql").split(",") as Provider[])
  results.set(provider, await providerRows(provider));
const sqlite = results.get("sqlite") ?? [];
const postgresql = results.get("postgresql") ?? [];
// The 1,000x load is a server database's: PostgreSQL only (`npm run bench -- scale` runs it alone).
const large = results.has("postgresql") ? await scaleRows(RUNS, log) : [];
const doc = `# Benchmarks

Written by \`npm run bench\` (bench/) on ${started.toISOString()}: ${cpus().length} CPU cores (${cpus()[0]?.model ?? "unknown"}),
Node ${process.version}, Redis and PostgreSQL on the same machine; databases in the order ${[...results.keys()].join(", ")}. Each figure is the median of ${RUNS} runs, with min and max;
each ceiling or peer is measured in the same run. Workers are \`bifrost worker --concurrency 100\` processes.

## Shared (no database)

${table(shared)}

How figures grow with 10x the work (scrubbing: see the three rows above for 10x the secrets):
${scaling(shared)}

## Embedded default (SQLite)

${table(sqlite)}

How figures grow with 10x the work:
${scaling(sqlite)}

## PostgreSQL

${table(postgresql)}

How figures grow with 10x the work:
${scaling(postgresql)}
${
  large.length === 0
    ? ""
    : `
## Large data (PostgreSQL)

10,000 orgs, 1,000,100 configs, 1,000,000 executions and 1,000,000 audit rows, seeded with SQL (bench/scale-seed.ts),
each figure against the small case (10 orgs, 1,100 configs, 1,000 executions and audit rows) in the same run.

${table(large)}

${scaling(large)}
`
}`;
writeFileSync(OUT, doc);
log(`wrote ${OUT}`);
process.exit(0);
