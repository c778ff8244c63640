import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { benchEnvironment, stopWorkers, type BenchEnvironment, type Provider } from "./environment.ts";
import { percentile } from "./measure.ts";
import { httpWaitLatencies, platformThroughput } from "./queue-figures.ts";
import { bundleOf, requestsPerSecond, seedGlobalConfigs } from "./store-figures.ts";
import { bundleImportSource } from "../src/bundles/bundle-format.ts";

// `npm run bench:profile -- <sqlite|postgresql> <throughput|latency|list|import>`: one figure under
// the V8 CPU profiler, in the API process (this one) and in the worker process, written as
// .cpuprofile files (open them in Chrome DevTools → Performance, or speedscope) under
// bench/profiles/, with a summary of where the time went printed here.

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FIGURES: Record<string, (env: BenchEnvironment) => Promise<string>> = {
  throughput: async (env) => `${(await platformThroughput(env, 2_000)).toFixed(0)} executions/s`,
  latency: async (env) => `p50 ${percentile(await httpWaitLatencies(env, 2_000), 50).toFixed(1)} ms`,
  list: async (env) => `${(await requestsPerSecond(env, "/api/configs", 5)).toFixed(0)} requests/s`,
  import: async (env) => {
    await env.platform.bundleImporter.import(bundleImportSource(bundleOf(100, 10_000, "profiled")), {
      dryRun: false,
      actor: "bench",
      format: "bundle",
    });
    return "10,000 configs imported";
  },
};
const NEEDS_WORKER = new Set(["throughput", "latency"]);

const [provider = "sqlite", figure = "throughput"] = process.argv.slice(2) as [Provider, string];
if (!FIGURES[figure] || !["sqlite", "postgresql"].includes(provider)) {
  console.error(`usage: npm run bench:profile -- <sqlite|postgresql> <${Object.keys(FIGURES).join("|")}>`);
  process.exit(2);
}

const dir = join(ROOT, "bench", "profiles", `${provider}-${figure}`);
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith(".cpuprofile")) rmSync(join(dir, f));

const env = await benchEnvironment(provider);
try {
  const workers = NEEDS_WORKER.has(figure)
    ? await env.startWorkers(1, 100, ["--cpu-prof", `--cpu-prof-dir=${dir}`])
    : [];
  if (figure === "list") await seedGlobalConfigs(env, 1_000);
  await (NEEDS_WORKER.has(figure) ? platformThroughput(env, 200) : Promise.resolve()); // warm-up
  // The HTTP path compiles over its first ~1,000 requests: warm it up, as `npm run bench` does.
  if (figure === "latency") await httpWaitLatencies(env, 1_000);

  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  // Profiles time their samples on the monotonic clock hrtime reads: the worker's profile, which
  // spans its whole life (start-up is most of it), is cut to the figure's window.
  const from = process.hrtime.bigint() / 1000n;
  const result = await FIGURES[figure](env);
  const window = [Number(from), Number(process.hrtime.bigint() / 1000n)] as const;
  const elapsed = (window[1] - window[0]) / 1000;
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(join(dir, "api.cpuprofile"), JSON.stringify(profile));
  session.disconnect();

  await stopWorkers(workers, "SIGTERM");
  console.log(
    `${provider} ${figure}: ${result} in ${elapsed.toFixed(0)} ms, under the profiler (slower than \`npm run bench\`)\n`,
  );
  // CPU.<date>.<time>.<pid>.<thread>.<seq>: thread 0 is the main thread (1 is the TypeScript loader's).
  for (const file of readdirSync(dir).filter((f) => f === "api.cpuprofile" || /^CPU\.\d+\.\d+\.\d+\.0\./.test(f))) {
    const text = readFileSync(join(dir, file), "utf8");
    const name = file === "api.cpuprofile" ? "API process (and the bench's clients)" : "worker process";
    console.log(`## ${name}: ${relative(ROOT, join(dir, file))}`);
    console.log(summarize(JSON.parse(text), window));
  }
} finally {
  await env.close();
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time by area (our code, Prisma, the drivers, BullMQ, ...) and the hottest functions, in `window` (µs). */
function summarize(profile: CpuProfile, [from, to]: readonly [number, number]): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area === "idle") continue;
    const where = `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`total ${(total / 1000).toFixed(0)} ms sampled`, "", "self time by area:"];
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us)}  ${area}`);
  lines.push("", "hottest functions (self time):");
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`  ${pct(us)}  ${fn}`);
  return lines.join("\n") + "\n";
}

function areaOf(url: string, fn: string): string {
  if (fn === "(idle)") return "idle";
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "(program)" || fn === "(root)") return "V8 and native (program)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg.startsWith("@prisma/") || pkg === ".prisma" ? `prisma (${pkg})` : pkg;
  if (url.includes("/src/storage/generated/")) return "prisma (generated client)";
  if (url.startsWith("wasm://")) return "prisma (query compiler, wasm)";
  if (url.startsWith("node:") || url === "") return `node internals${url ? "" : " (native)"}`;
  return "bifrost-ts";
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, "")
    .replace(ROOT, "")
    .replace(/.*node_modules\//, "");
}
