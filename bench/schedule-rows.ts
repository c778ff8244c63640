import type { BenchEnvironment } from "./environment.ts";
import { stopWorkers } from "./environment.ts";
import type { Row } from "./row.ts";
import { fmt, percentile, range, summarize } from "./measure.ts";
import { platformThroughput } from "./queue-figures.ts";
import {
  SCHEDULES,
  YEARLY,
  deleteSchedules,
  fireLateness,
  seedSchedules,
  setCrons,
  setEnabled,
  spreadCron,
  untilRegistered,
} from "./schedule-figures.ts";

/** Fires watched for the lateness figure: 50 a second for this long. */
const WATCH_S = 20;
const EXECUTIONS = 2_000;

/**
 * The schedule rows of the benchmark table, with one worker process (concurrency 100, taking
 * fires too): executions/s with and without 1,000 schedules registered (firing once a year, so
 * that only their being there counts; runs of the two alternate, so that the machine's drift
 * falls on both alike), then those schedules firing 50 times a second and how late each fire's
 * run was recorded and started.
 */
export async function scheduleRows(
  env: BenchEnvironment,
  runs: number,
  log: (message: string) => void,
): Promise<Row[]> {
  const workers = await env.startWorkers(1, 100);
  try {
    const ids = await seedSchedules(env, SCHEDULES, () => YEARLY, false);
    await platformThroughput(env, EXECUTIONS / 10);
    const withoutRuns: number[] = [];
    const withRuns: number[] = [];
    for (let i = 0; i < runs; i++) {
      withoutRuns.push(await platformThroughput(env, EXECUTIONS));
      await setEnabled(env, true);
      await untilRegistered(env);
      withRuns.push(await platformThroughput(env, EXECUTIONS));
      await setEnabled(env, false);
    }
    const without = summarize(withoutRuns);
    const withSchedules = summarize(withRuns);
    const ratio = withSchedules.median / without.median;

    log(`${env.provider}: ${SCHEDULES} schedules firing`);
    await setCrons(env, ids, spreadCron);
    await setEnabled(env, true);
    await untilRegistered(env);
    const late = await fireLateness(env, ids, WATCH_S);
    const p = (values: number[], q: number) => fmt(percentile(values, q));
    return [
      {
        figure: `schedule fire lateness with ${fmt(SCHEDULES)} schedules registered, all firing (${fmt(SCHEDULES / 20)} fires/s): fire time → run started, p50 / p99`,
        value: `${p(late.started, 50)} / ${p(late.started, 99)} ms (${fmt(late.started.length)} fires)`,
        peer: `fire time → run recorded and queued: p50 ${p(late.recorded, 50)} / p99 ${p(late.recorded, 99)} ms; fires without a run: ${late.missing}`,
        ratio: "—",
        goal: "p99 ≤ 1 s",
        met: late.missing === 0 && percentile(late.started, 99) <= 1_000,
        scale: `max ${fmt(Math.max(...late.started))} ms`,
      },
      {
        figure: `no-op executions/s with ${fmt(SCHEDULES)} schedules registered (not firing meanwhile), 1 worker process`,
        value: `${range(withSchedules)}/s`,
        peer: `without schedules ${range(without)}/s`,
        ratio: `${fmt(ratio, 2)}x`,
        goal: "≥ 0.9x",
        met: ratio >= 0.9,
      },
    ];
  } finally {
    await deleteSchedules(env);
    await stopWorkers(workers);
  }
}
