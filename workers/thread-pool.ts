import type { Logger } from "../src/logging/logger.ts";
import type { WorkflowSnapshot } from "../src/workflows/workflow-files.ts";
import { WorkflowThread } from "../src/workflows/workflow-thread.ts";

/** A thread that ends sooner than this after it started ends "quickly": its replacement waits. */
const QUICK_END_MS = 10_000;
const FIRST_RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 30_000;

export interface ThreadPoolOptions {
  /** The workflow files every thread loads (one generation of the code). */
  snapshot: WorkflowSnapshot;
  /** Which generation of the catalog `snapshot` is (0 when there is no catalog). */
  generation?: number;
  /** Threads of each heap limit at most. */
  threads: number;
  /** Runs a thread is given before another thread is started (as long as `threads` allows). */
  runsPerThread: number;
  /** The heap limit of workflows that set none. */
  memoryLimitMb: number;
  logger: Logger;
}

/**
 * The threads a worker process runs workflows in. Runs of workflows with the same heap limit share
 * threads: each run goes to the least busy one, and a new thread starts while every thread has
 * `runsPerThread` runs and there are fewer than `threads`. A thread that ends (its runs failed by
 * WorkflowThread) is replaced. The default limit's threads start with the pool, so the first runs
 * need not wait for a thread to load the workflow files.
 */
export class ThreadPool {
  private readonly groups = new Map<number, WorkflowThread[]>();
  private closing = false;
  /** Threads in a row that ended within QUICK_END_MS of their start. */
  private quickEnds = 0;

  constructor(private readonly options: ThreadPoolOptions) {}

  get generation(): number {
    return this.options.generation ?? 0;
  }

  /** Starts the default limit's threads and waits until they have loaded the workflow files. */
  async start(): Promise<void> {
    const threads = Array.from({ length: this.options.threads }, () => this.spawn(this.options.memoryLimitMb));
    await Promise.all(threads.map((thread) => thread.loaded.catch(() => undefined)));
  }

  /** The thread a run of a workflow with this heap limit goes to. */
  acquire(memoryLimitMb: number | null): WorkflowThread {
    const limit = memoryLimitMb ?? this.options.memoryLimitMb;
    const group = (this.groups.get(limit) ?? []).filter((thread) => thread.isAlive);
    let least = group.reduce<WorkflowThread | undefined>(
      (best, thread) => (!best || thread.load < best.load ? thread : best),
      undefined,
    );
    if (!least || (least.load >= this.options.runsPerThread && group.length < this.options.threads))
      least = this.spawn(limit);
    return least;
  }

  /**
   * Takes the thread out of service (it was handed too many secret values: thread-secrets.ts): no
   * new run goes to it, and it stops once its runs have ended. Another takes its place.
   */
  retire(thread: WorkflowThread): void {
    for (const [limit, group] of this.groups) {
      if (!group.includes(thread)) continue;
      this.groups.set(
        limit,
        group.filter((other) => other !== thread),
      );
      void thread.whenIdle().then(() => thread.stop("Retired after it was handed many secret values"));
    }
  }

  /** Every live thread (for tests and measurements). */
  threads(): WorkflowThread[] {
    return [...this.groups.values()].flat().filter((thread) => thread.isAlive);
  }

  /**
   * Retires the pool (a new generation of the code took its place): each thread stops once the
   * runs it holds have ended, on the code they started with.
   */
  async drain(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.threads().map(async (thread) => {
        await thread.whenIdle();
        await thread.stop("The worker loaded a newer version of the workflow files");
      }),
    );
  }

  /** Stops every thread (their runs, if any, fail with `reason`). */
  async close(reason = "The worker is shutting down"): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads().map((thread) => thread.stop(reason)));
  }

  private spawn(limit: number): WorkflowThread {
    const thread = new WorkflowThread(limit, this.options.snapshot);
    thread.onStray = (executionId, workflow) =>
      this.options.logger.warn(
        { executionId, workflow },
        "a promise of a workflow's was rejected after its run ended, and nothing handled it (not awaited?); its message is not logged, as it may hold a secret",
      );
    const group = this.groups.get(limit) ?? [];
    group.push(thread);
    this.groups.set(limit, group);
    const born = Date.now();
    void thread.exited.then(() => {
      const kept = (this.groups.get(limit) ?? []).filter((other) => other !== thread);
      this.groups.set(limit, kept);
      if (this.closing) return;
      // Threads that keep ending soon after they start (code that throws in a timer at load) are
      // started again less and less often, so they cannot keep the worker's cores busy.
      this.quickEnds = Date.now() - born < QUICK_END_MS ? this.quickEnds + 1 : 0;
      const delayMs =
        this.quickEnds === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (this.quickEnds - 1));
      const next = delayMs === 0 ? "" : `, another starts in ${delayMs / 1000} s`;
      this.options.logger.warn(
        { memoryLimitMb: limit, cause: thread.endCause },
        `a workflow thread ended (${thread.endCause}); the runs it held failed, saying why${next}`,
      );
      if (limit !== this.options.memoryLimitMb) return;
      setTimeout(() => {
        if (!this.closing && (this.groups.get(limit) ?? []).length < this.options.threads) this.spawn(limit);
      }, delayMs).unref();
    });
    return thread;
  }
}
