import { hostname } from "node:os";
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { ExecutionLogEntry } from "../sdk/execution-context.ts";
import { EXECUTIONS_QUEUE, type ExecutionJobData, type ExecutionQueue } from "../src/executions/execution-queue.ts";
import type { ExecutionSignals } from "../src/executions/execution-signals.ts";
import { isFinal } from "../src/executions/execution-status.ts";
import type { ExecutionStore } from "../src/executions/execution-store.ts";
import type { ExecutionRow } from "../src/executions/execution-view.ts";
import { openUserConfig } from "../src/executions/user-config.ts";
import type { Platform } from "../src/platform/platform.ts";
import type { WorkflowCatalog } from "../src/workflows/index.ts";
import { ExecutionRunner, type PreparedScope } from "./execution-runner.ts";
import type { PoolGenerations } from "./pool-generations.ts";

/** The most runs a workflow can ask for (`retries` is at most 25, see sdk/workflow.ts). */
const MAX_ATTEMPTS = 26;

export interface ExecutionWorkerOptions {
  concurrency: number;
  /** BullMQ lock duration and stalled-check interval. */
  lockMs: number;
}

export interface ExecutionWorkerDeps {
  platform: Platform;
  catalog: WorkflowCatalog;
  store: ExecutionStore;
  signals: ExecutionSignals;
  /** For the sweeper's job lookups. */
  queue: ExecutionQueue;
  /** A connection BullMQ may block on (maxRetriesPerRequest: null). */
  connection: Redis;
  /** The threads workflow code runs in (those of the current generation of the code). */
  pools: PoolGenerations;
}

/**
 * BullMQ's stalled check (moveStalledJobsToWait) moves an active job back to wait when it was
 * marked by the check before and its lock is gone; each check marks every active job again, and a
 * live worker's lock renewal unmarks its own. So a killed worker's run is taken back by the first
 * check after its lock expires: at most lockMs + this after the kill. Checking every lock period
 * (as before) made that up to two periods and more (72 s measured with a 30 s lock); a sixth of it
 * keeps the figure near the lock (35 s for 30 s) at one cheap Lua call a few seconds.
 */
export function stalledIntervalFor(lockMs: number): number {
  return Math.max(100, Math.round(lockMs / 6));
}

/** Thrown to hand a failed attempt back to BullMQ for a retry; says nothing about the failure itself. */
class RetryAttempt extends Error {
  override name = "RetryAttempt";
}

/**
 * Takes executions off the queue and runs them. The database row, not the job, is the truth:
 * a job whose row has ended is skipped (cancelled while queued), and a job whose row is still
 * `running` when it is taken is one whose worker stopped mid-run (BullMQ's stalled-job check
 * handed it on), so it is retried or failed by the workflow's `retries`, never run twice when
 * `retries` is 0.
 */
export class ExecutionWorker {
  readonly id = `${hostname()}:${process.pid}`;
  private readonly runner: ExecutionRunner;
  private readonly active = new Map<string, AbortController>();
  private readonly worker: Worker<ExecutionJobData>;
  private readonly stopCancelListener: () => void;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly deps: ExecutionWorkerDeps,
    private readonly options: ExecutionWorkerOptions,
  ) {
    const { logger, settings } = deps.platform;
    this.runner = new ExecutionRunner(deps.platform.configs, deps.platform.orgs, () => deps.pools.current(), {
      store: deps.store.logs,
      notify: (id) => void deps.signals.publishLogs(id),
      logger,
      live: settings.liveLogs,
    });
    this.worker = new Worker<ExecutionJobData>(EXECUTIONS_QUEUE, (job) => this.process(job), {
      connection: deps.connection,
      prefix: settings.queuePrefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: stalledIntervalFor(options.lockMs),
      // Our own rule (above) decides what a stalled run becomes; BullMQ must only hand it on.
      maxStalledCount: MAX_ATTEMPTS,
      autorun: false,
    });
    // Connection trouble is logged once by the connection; the rest is worth a line.
    this.worker.on("error", (error) => {
      if (!/ECONNREFUSED|ETIMEDOUT|Connection is closed|ENOTFOUND|EHOSTUNREACH/.test(error.message))
        logger.error({ err: error }, "worker error");
    });
    this.worker.on("failed", (job, error) => {
      if (error instanceof RetryAttempt) return;
      // Not the workflow failing (that is an outcome, stored): the platform could not run or store it.
      logger.error({ err: error, executionId: job?.data.executionId }, "execution job failed");
      if (job && error.name === "UnrecoverableError")
        void this.failWithoutOutcome(job.data.executionId, `The run could not go on: ${error.message}`);
    });
    this.stopCancelListener = deps.signals.onCancel((id) => this.active.get(id)?.abort());
  }

  /** Starts taking jobs (resolves at once; the worker runs until `close`). */
  start(): void {
    void this.worker.run().catch((error) => this.deps.platform.logger.error({ err: error }, "worker stopped"));
    this.sweeper = setInterval(() => void this.sweep(), this.options.lockMs);
    this.sweeper.unref();
  }

  /** Stops taking jobs and waits for the running ones to end (their workflows' own timeouts bound this). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.stopCancelListener();
    await this.worker.close();
  }

  private async process(job: Job<ExecutionJobData>): Promise<void> {
    const id = job.data.executionId;
    // Listen for a cancel before claiming, so one sent right after the claim is heard.
    const cancel = new AbortController();
    this.active.set(id, cancel);
    // What the run needs from its scope is read while it is claimed: one wait for the database
    // instead of two. Asked first, before the claim (src/storage/claim-reads.ts says why). The job
    // only names the scope: the claimed row's scope wins when they differ.
    const early = job.data.scope ? this.prepareAhead(job.data.scope) : null;
    try {
      const claimed = (await this.deps.store.claimPending(id, this.id)) ?? (await this.claimInterrupted(id));
      if (claimed) {
        this.deps.platform.logger.debug(
          { executionId: id, workflow: claimed.workflow, attempt: claimed.attempts, workerId: this.id },
          "execution taken",
        );
        const prepared = early && job.data.scope === claimed.scope ? early : this.prepareAhead(claimed.scope);
        await this.runClaimed(job, claimed, prepared, cancel.signal);
      }
    } finally {
      this.active.delete(id);
    }
  }

  /**
   * The run was not pending: ended (cancelled while queued: skip it), or still `running` because
   * the worker that had it stopped mid-run. That one is retried, or failed when it has no attempts
   * left (never run twice when `retries` is 0).
   */
  private async claimInterrupted(id: string): Promise<ExecutionRow | null> {
    const { store, catalog } = this.deps;
    const row = await store.find(id);
    if (!row || isFinal(row.status)) return null;
    const definition = catalog.get(row.workflow);
    const logs: ExecutionLogEntry[] = [];
    if (row.status === "running" && definition) {
      const maxAttempts = definition.retries + 1;
      const note = `Attempt ${row.attempts} of ${maxAttempts} was interrupted: the worker running it stopped`;
      if (row.attempts >= maxAttempts) {
        await this.end(
          row,
          definition.retries === 0 ? `${note} (not retried: retries is 0)` : `${note}; no attempts left`,
        );
        return null;
      }
      logs.push(logLine("warn", `${note}; retrying`));
    }
    return store.claim(row, logs, this.id);
  }

  /**
   * `runner.prepare`, started before it is needed: awaited when the run starts, or never (the
   * claim failed, the workflow is not loaded), so its failure alone must not be unhandled.
   */
  private prepareAhead(scopeId: string): Promise<PreparedScope> {
    const prepared = this.runner.prepare(scopeId);
    prepared.catch(() => undefined);
    return prepared;
  }

  private async runClaimed(
    job: Job<ExecutionJobData>,
    claimed: ExecutionRow,
    prepared: Promise<PreparedScope>,
    cancelSignal: AbortSignal,
  ): Promise<void> {
    const { store, catalog, signals, platform, pools } = this.deps;
    await pools.ready();
    const definition = catalog.get(claimed.workflow);
    if (!definition) {
      await this.end(
        claimed,
        `Workflow "${claimed.workflow}" is not loaded in worker ${this.id} (from ${catalog.dir}): see that worker's log for files that failed to load`,
      );
      return;
    }
    const maxAttempts = definition.retries + 1;
    const outcome = await this.runner.run({
      executionId: claimed.id,
      definition,
      prepared: await prepared,
      params: JSON.parse(claimed.params),
      userConfig: openUserConfig(platform.cipher, job.data.userConfig),
      cancelSignal,
      authority: claimed.authority === "admin" ? "admin" : "scope",
    });
    if (outcome.status === "failed" && claimed.attempts < maxAttempts) {
      const note = `Attempt ${claimed.attempts} of ${maxAttempts} failed; retrying`;
      if (await store.scheduleRetry(claimed, outcome, note)) throw new RetryAttempt(note);
      return;
    }
    const ended = await store.finish(claimed, outcome);
    if (ended) await signals.publishFinished(claimed.id, ended);
  }

  private async end(row: ExecutionRow, message: string): Promise<void> {
    if (await this.deps.store.fail(row, message)) await this.deps.signals.publishFinished(row.id);
  }

  private async failWithoutOutcome(executionId: string, message: string): Promise<void> {
    const row = await this.deps.store.find(executionId).catch(() => null);
    if (row && !isFinal(row.status)) await this.end(row, message).catch(() => undefined);
  }

  /**
   * Executions whose job is gone from Redis (restarted without persistence, flushed, or failed for
   * good while the database was down) would never end. A pending one is queued again, unless the
   * per-user config it carried went with the job (it is never stored): then it fails, saying so.
   * A running one is failed once its workflow's timeout has certainly passed, since the worker
   * running it may still be alive and about to store its outcome.
   */
  private async sweep(): Promise<void> {
    const { store, queue, catalog, platform } = this.deps;
    if (!queue.available) return;
    try {
      for (const row of await store.unfinished(new Date(Date.now() - this.options.lockMs), 500)) {
        if (this.active.has(row.id) || (await queue.queue.getJobState(row.id)) !== "unknown") continue;
        const definition = catalog.get(row.workflow);
        if (row.status === "pending") {
          // The list is a moment old: a run may have ended (and its job gone) since.
          if ((await store.find(row.id))?.status !== "pending") continue;
          if (row.hasUserConfig) {
            await this.end(
              row,
              "Its queued job was lost (was Redis restarted or flushed?) with the per-user config it carried, which is never stored: run it again",
            );
            continue;
          }
          platform.logger.warn(
            { executionId: row.id },
            "execution was pending but its job is gone from Redis: queueing it again",
          );
          await queue.enqueue(
            { executionId: row.id, scope: row.scope, userConfig: null },
            { workflow: row.workflow, attempts: (definition?.retries ?? 0) + 1 },
          );
          continue;
        }
        const timeoutMs = definition?.timeoutMs ?? 300_000;
        const allowedMs = timeoutMs * row.attempts + 2 ** row.attempts * 1_000 + 2 * this.options.lockMs;
        if (row.startedAt && Date.now() - row.startedAt.getTime() < allowedMs) continue;
        platform.logger.warn(
          { executionId: row.id },
          "execution was running but its job is gone from Redis: marking it failed",
        );
        await this.end(
          row,
          "The run's job vanished from the queue (was Redis restarted or flushed?) and it did not finish within its timeout",
        );
      }
    } catch (error) {
      platform.logger.debug({ err: error }, "execution sweep skipped");
    }
  }
}

function logLine(level: ExecutionLogEntry["level"], message: string): ExecutionLogEntry {
  return { at: new Date().toISOString(), level, message };
}
