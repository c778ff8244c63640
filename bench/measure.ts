/** A figure measured several times: its median, min and max. */
export interface Measured {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export async function repeat(times: number, fn: () => Promise<number> | number): Promise<Measured> {
  const runs: number[] = [];
  for (let i = 0; i < times; i++) runs.push(await fn());
  return summarize(runs);
}

/** `fn` run `count` times, one after the other: how long each took (ms). */
export async function timings(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Latency runs: each run's p50 and p99, as Measured figures (median, min and max over the runs). */
export async function latencyRuns(times: number, fn: () => Promise<number[]>): Promise<{ p50: Measured; p99: Measured }> {
  const runs: number[][] = [];
  for (let i = 0; i < times; i++) runs.push(await fn());
  return { p50: summarize(runs.map((r) => percentile(r, 50))), p99: summarize(runs.map((r) => percentile(r, 99))) };
}

export function summarize(values: number[]): Measured {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function range(m: Measured, digits = 0): string {
  return `${fmt(m.median, digits)} (${fmt(m.min, digits)}–${fmt(m.max, digits)})`;
}
