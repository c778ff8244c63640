import { pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { stopWorkers, type BenchEnvironment } from "./environment.ts";
import { sleep } from "./measure.ts";
import { platformThroughput } from "./queue-figures.ts";

/** PBKDF2 iterations that take about `ms` on this machine (the work of one CPU-bound run). */
export function hashIterationsFor(ms: number): number {
  pbkdf2Sync("bench", "salt", 10_000, 32, "sha256"); // warm-up
  const started = performance.now();
  pbkdf2Sync("bench", "salt", 100_000, 32, "sha256");
  return Math.round((100_000 * ms) / (performance.now() - started));
}

/** Runs/s of `runs` CPU-bound runs (`iterations` of PBKDF2 each) on one worker process with `threads` workflow threads. */
export async function cpuBoundRunsPerSecond(
  env: BenchEnvironment,
  threads: number,
  runs: number,
  iterations: number,
): Promise<number> {
  const workers = await env.startWorkers(1, 4, [], { BIFROST_WORKER_THREADS: String(threads) });
  try {
    const work = { workflow: "bench_hash", params: { iterations } };
    await platformThroughput(env, 8, work); // warm-up
    return await platformThroughput(env, runs, work);
  } finally {
    await stopWorkers(workers);
  }
}

/** A worker process's resident memory, in MB, once it is taking executions with `threads` idle workflow threads. */
export async function idleWorkerMemoryMb(env: BenchEnvironment, threads: number): Promise<number> {
  const [worker] = await env.startWorkers(1, threads, [], { BIFROST_WORKER_THREADS: String(threads) });
  try {
    await sleep(2_000); // settled: start-up's garbage collected
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, "utf8"))![1]) / 1024;
  } finally {
    await stopWorkers([worker]);
  }
}
