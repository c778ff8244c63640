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

/**
 * `fn` run `count` times in all by `clients` loops at once, each one call after the other: how
 * long each call took (ms).
 */
export async function timings(count: number, fn: () => Promise<unknown>, clients = 1): Promise<number[]> {
  const loop = async (calls: number) => {
    const out: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
    }
    return out;
  };
  return (
    await Promise.all(
      Array.from({ length: clients }, (_, i) => loop(Math.floor(count / clients) + (i < count % clients ? 1 : 0))),
    )
  ).flat();
}

/** `pass` run `count` times, synchronous work with nothing awaited between: how long each took (ms). */
export function passTimings(count: number, pass: (n: number) => unknown): number[] {
  const times: number[] = [];
  for (let n = 0; n < count; n++) {
    const t0 = performance.now();
    pass(n);
    times.push(performance.now() - t0);
  }
  return times;
}

/** Latency runs: each run's p50 and p99, as Measured figures (median, min and max over the runs). */
export function latencySummary(runs: number[][]): { p50: Measured; p99: Measured } {
  return { p50: summarize(runs.map((r) => percentile(r, 50))), p99: summarize(runs.map((r) => percentile(r, 99))) };
}

export function summarize(values: number[]): Measured {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
    runs: values,
  };
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
