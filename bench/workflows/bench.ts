import { createHash, pbkdf2Sync } from "node:crypto";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { config, workflow, type ExecutionContext } from "bifrost-ts/sdk";

/** Workflows the benchmarks run (BIFROST_WORKFLOWS_DIR=bench/workflows). */
export class BenchWorkflows {
  /** Also an MCP tool: the MCP figure calls the same workflow as the HTTP execute figure. */
  @workflow({ name: "bench_noop", tool: true })
  async noop() {
    return null;
  }

  /** Waits `ms` without using the CPU: runs bound by a worker's concurrency, not by the machine's cores. */
  @workflow({ name: "bench_wait", params: z.object({ ms: z.number().int().min(0).max(10_000) }) })
  async wait(_ctx: unknown, { ms }: { ms: number }) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return null;
  }

  /** `iterations` rounds of PBKDF2 (the bench sets ~50 ms of them): a run bound by a core, not by waiting. */
  @workflow({ name: "bench_hash", params: z.object({ iterations: z.number().int().min(1) }) })
  async hash(_ctx: unknown, { iterations }: { iterations: number }) {
    return pbkdf2Sync("bench", "salt", iterations, 32, "sha256").toString("hex");
  }

  /** `n` reads of an org-overridden secret; returns per-read timings (not the value). */
  @workflow({ name: "bench_config_get", secrets: ["bench_secret"], params: z.object({ n: z.number().int().min(1) }) })
  async configGet(_ctx: unknown, { n }: { n: number }) {
    const timings: number[] = [];
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await config.getString("bench_secret");
      timings.push(performance.now() - t0);
    }
    const total = performance.now() - started;
    timings.sort((a, b) => a - b);
    return { getsPerSecond: (n / total) * 1000, p99Ms: timings[Math.floor(n * 0.99)] };
  }

  /**
   * `lines` log lines as fast as it can, each starting with the epoch ms it was written at (the
   * live-log figure reads them back over SSE and takes the delay).
   */
  @workflow({ name: "bench_log", params: z.object({ lines: z.number().int().min(1).max(10_000) }) })
  async log(ctx: ExecutionContext, { lines }: { lines: number }) {
    for (let i = 0; i < lines; i++) ctx.log.info(`${Date.now()} line ${i}`);
    return null;
  }

  /** Whether the secret read now is the one whose SHA-256 the caller just set. */
  @workflow({ name: "bench_fresh", secrets: ["bench_secret"], params: z.object({ sha256: z.string() }) })
  async fresh(_ctx: unknown, { sha256 }: { sha256: string }) {
    const value = await config.getString("bench_secret");
    return { fresh: createHash("sha256").update(value).digest("hex") === sha256 };
  }
}
