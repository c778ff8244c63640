import { readFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { GLOBAL_SCOPE, type Scope } from "../src/orgs/index.ts";
import { deleteKeys, REDIS_URL, spawnUntilReady, type BenchEnvironment } from "./environment.ts";
import { request } from "./http-client.ts";
import { sleep, timings } from "./measure.ts";

const RAW_WORKER = fileURLToPath(new URL("./raw-bullmq-worker.mjs", import.meta.url));

/** Bare BullMQ worker processes (`processes` of them) on the same Redis: the ceiling for queue figures. */
export async function withRawBullmq<T>(
  fn: (queue: Queue, events: QueueEvents) => Promise<T>,
  processes = 1,
): Promise<T> {
  const prefix = `bifrost-bench-raw-${randomBytes(3).toString("hex")}`;
  const children = await Promise.all(
    Array.from({ length: processes }, () => spawnUntilReady([RAW_WORKER, prefix, "100"])),
  );
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue("raw", { connection, prefix });
  // From the stream's start (the prefix is new): from "$", the first job could end before the
  // first read of the stream and its event be missed, leaving its wait hanging (seen once).
  const events = new QueueEvents("raw", { connection, prefix, lastEventId: "0" });
  await events.waitUntilReady();
  try {
    return await fn(queue, events);
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await events.close();
    await queue.close();
    await deleteKeys(prefix);
  }
}

/** Raw BullMQ no-op jobs/s, end to end: `jobs` added in bulks of 1000, until all are completed. */
export async function rawThroughput(queue: Queue, jobs: number): Promise<number> {
  await queue.obliterate({ force: true }).catch(() => undefined);
  const started = performance.now();
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, () => ({
        name: "noop",
        data: {},
        opts: { removeOnComplete: false },
      })),
    );
  }
  while ((await queue.getCompletedCount()) < jobs) await sleep(10);
  return (jobs / (performance.now() - started)) * 1000;
}

/** Raw BullMQ add → completed latency, one job at a time per client (ms per job). */
export function rawLatencies(queue: Queue, events: QueueEvents, count: number, clients = 1): Promise<number[]> {
  return timings(
    count,
    async () => {
      const job = await queue.add("noop", {});
      await job.waitUntilFinished(events);
    },
    clients,
  );
}

/** The machine's CPU time (all cores, all processes) while `fn` runs, as a share of what its cores could give. */
export async function machineBusy<T>(fn: () => Promise<T>): Promise<{ result: T; busy: number }> {
  const read = () => {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  const result = await fn();
  const after = read();
  return { result, busy: 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total) };
}

export interface ThroughputOptions {
  scope?: Scope;
  /** Per-user config sent with every run. */
  userConfig?: Record<string, string>;
  /** Default: `bench_noop`. */
  workflow?: string;
  params?: unknown;
}

/**
 * How long runs may stop ending before a figure gives up: a worker that died or hangs must fail the
 * benchmark, not hold it forever.
 */
const STALL_MS = 60_000;

/**
 * Platform executions/s (no-op by default), end to end: started through the service the API uses,
 * until stored. Only runs that succeeded count: a figure of runs that failed fast (a workflow
 * missing from the worker, a broken database) would look like speed, so any other end throws.
 */
export async function platformThroughput(
  env: BenchEnvironment,
  executions: number,
  { scope = GLOBAL_SCOPE, userConfig = {}, workflow = "bench_noop", params = {} }: ThroughputOptions = {},
): Promise<number> {
  // A run is stored when its "finished" notice is sent, which this process (the API) hears anyway:
  // counting notices costs the machine nothing, where counting rows in the database every few ms
  // (what this did before) took 1.5–2 ms of PostgreSQL's time each, on the cores the run shares.
  const ids = Array.from({ length: executions }, () => randomUUID());
  const unheard = new Set(ids);
  /** Runs whose notice carried a status other than success, or no row (those are read afterwards). */
  const unsure: string[] = [];
  const ended = ids.map(
    (id) =>
      new Promise<void>((resolve) => {
        const stop = env.server.signals.onFinished(id, (_, row) => {
          stop();
          unheard.delete(id);
          if (row?.status !== "success") unsure.push(id);
          resolve();
        });
      }),
  );
  const started = performance.now();
  for (let i = 0; i < executions; i += 100) {
    await Promise.all(
      ids
        .slice(i, i + 100)
        .map((id) =>
          env.server.executions.start({ workflow, scope, params, userConfig, actor: "bench", authority: "admin" }, id),
        ),
    );
  }
  const lost = await allEnded(env, unheard, Promise.all(ended));
  const elapsed = performance.now() - started;
  await assertSucceeded(env, [...unsure, ...lost], workflow);
  return (executions / elapsed) * 1000;
}

/**
 * Waits for every notice; pub/sub can drop one (a reconnect), so every 2 s the runs not heard of
 * yet are looked up (in chunks, inChunks). Throws when no run
 * has ended for STALL_MS. @returns the runs that ended unheard
 */
async function allEnded(env: BenchEnvironment, unheard: Set<string>, all: Promise<unknown>): Promise<string[]> {
  let left = unheard.size;
  let progressed = performance.now();
  for (;;) {
    if (await Promise.race([all.then(() => true), sleep(2_000).then(() => false)])) return [];
    const ids = [...unheard];
    const stored = await endedAmong(env, ids);
    if (unheard.size === 0) return []; // heard while counting
    if (stored.length === ids.length) {
      console.warn("[bench] a run's ended notice was not heard: the time includes up to 2 s of waiting");
      return stored;
    }
    const now = ids.length - stored.length;
    if (now < left) [left, progressed] = [now, performance.now()];
    else if (performance.now() - progressed > STALL_MS) {
      throw new Error(
        `${now} of the figure's runs have not ended, and none has for ${STALL_MS / 1000} s: is the worker running?`,
      );
    }
  }
}

/** `find` of `ids` 500 at a time (SQLite takes at most 999 values a statement), the rows of all. */
async function inChunks<T>(ids: string[], find: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await find(ids.slice(i, i + 500))));
  return rows;
}

/** The ones of `ids` whose run has ended, as stored. */
async function endedAmong(env: BenchEnvironment, ids: string[]): Promise<string[]> {
  const rows = await inChunks(ids, (chunk) =>
    env.platform.db.prisma.execution.findMany({
      where: { id: { in: chunk }, finishedAt: { not: null } },
      select: { id: true },
    }),
  );
  return rows.map((row) => row.id);
}

/** Throws unless every one of `ids` succeeded, as stored: naming how the others ended, and the first error. */
async function assertSucceeded(env: BenchEnvironment, ids: string[], workflow: string): Promise<void> {
  const failed = await inChunks(ids, (chunk) =>
    env.platform.db.prisma.execution.findMany({
      where: { id: { in: chunk }, status: { not: "success" } },
      select: { status: true, error: true },
    }),
  );
  if (failed.length === 0) return;
  const counts = new Map<string, number>();
  for (const row of failed) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  throw new Error(
    `${failed.length} runs of ${workflow} did not succeed (${[...counts].map(([status, n]) => `${n} ${status}`).join(", ")}); the first error: ${failed.find((row) => row.error)?.error ?? "none stored"}`,
  );
}

/** GET round trips to `path`, one at a time (ms each): the HTTP part of the execute figure. */
export function httpLatencies(env: BenchEnvironment, path: string, count: number): Promise<number[]> {
  return timings(count, async () => {
    const res = await request(`${env.server.url}${path}`, { headers: { authorization: `Bearer ${env.adminToken}` } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body}`);
  });
}

/** The token lookup every API request starts with, one at a time (ms each): one database read. */
export function tokenLookupLatencies(env: BenchEnvironment, count: number): Promise<number[]> {
  return timings(count, () => env.platform.tokens.authenticate(`Bearer ${env.adminToken}`));
}

/** HTTP execute with `wait` on a no-op workflow, one at a time per client (ms per request). */
export function httpWaitLatencies(env: BenchEnvironment, count: number, clients = 1): Promise<number[]> {
  return postLatencies(
    `${env.server.url}/api/workflows/bench_noop/executions?wait=10000`,
    env.adminToken,
    count,
    clients,
  );
}

/** The `status` of a JSON answer (undefined for any other answer). */
function statusOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { status?: unknown }).status;
  } catch {
    return undefined;
  }
}

/** POSTs to `url` that must answer 200 with a run that succeeded (a run that failed fast is no figure), one at a time per client (ms per request). */
export function postLatencies(url: string, token: string, count: number, clients = 1): Promise<number[]> {
  return timings(
    count,
    async () => {
      const res = await request(url, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200 || statusOf(res.body) !== "success")
        throw new Error(`${url} answered ${res.status}: ${res.body}`);
    },
    clients,
  );
}
