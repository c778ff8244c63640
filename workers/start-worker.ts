import { availableParallelism } from "node:os";
import { ExecutionQueue } from "../src/executions/execution-queue.ts";
import { ExecutionService } from "../src/executions/execution-service.ts";
import { ExecutionSignals } from "../src/executions/execution-signals.ts";
import { ExecutionStore } from "../src/executions/execution-store.ts";
import type { Platform } from "../src/platform/platform.ts";
import { createRedisConnection } from "../src/queue/redis-connection.ts";
import { ScheduleFirer, ScheduleQueue, ScheduleStore, ScheduleSync } from "../src/schedules/index.ts";
import { loadWorkflowCatalog, type WorkflowCatalog } from "../src/workflows/index.ts";
import { ExecutionWorker } from "./execution-worker.ts";
import { PoolGenerations } from "./pool-generations.ts";

export interface RunningWorker {
  worker: ExecutionWorker;
  /** Turns schedules' fires into runs (every worker process takes fires). */
  firer: ScheduleFirer;
  sync: ScheduleSync;
  catalog: WorkflowCatalog;
  pools: PoolGenerations;
  close(): Promise<void>;
}

/**
 * Connects a worker to the executions queue and starts it. Redis being down is not fatal: the
 * connection says so once and the worker starts taking jobs when Redis comes back.
 */
export async function startWorker(
  platform: Platform,
  options: { concurrency?: number; catalog?: WorkflowCatalog } = {},
): Promise<RunningWorker> {
  const { settings, logger } = platform;
  const catalog = options.catalog ?? (await loadWorkflowCatalog(settings.workflowsDirs, { logger }));
  if (!options.catalog)
    for (const error of catalog.errors)
      logger.error({ file: error.file }, `workflow file not loaded: ${error.message}`);

  const connection = createRedisConnection(settings.redisUrl, logger, { role: "worker" });
  const subscriber = createRedisConnection(settings.redisUrl, logger, { role: "worker-signals" });
  const signals = new ExecutionSignals(connection, subscriber, settings.queuePrefix, logger, ["cancel"]);
  const queue = new ExecutionQueue(connection, settings.queuePrefix, settings.redisUrl);
  const store = new ExecutionStore(platform.db);
  const concurrency = options.concurrency ?? settings.workerConcurrency;
  const threads = Math.min(concurrency, settings.workerThreads ?? defaultThreads(concurrency));
  const pools = new PoolGenerations(
    catalog,
    { threads, runsPerThread: Math.ceil(concurrency / threads), memoryLimitMb: settings.workflowMemoryMb, logger },
    logger,
  );
  await pools.start();
  if (!options.catalog) catalog.watch(settings.workflowsWatchMs);
  const worker = new ExecutionWorker(
    { platform, catalog, store, signals, queue, connection, pools },
    { concurrency, lockMs: settings.workerLockMs },
  );
  // The schedules' queue, its worker and its sync on a connection of their own: two BullMQ workers
  // closed one after the other on one shared connection left commands to fail after it closed.
  const scheduleConnection = createRedisConnection(settings.redisUrl, logger, { role: "worker-schedules" });
  const schedules = new ScheduleStore(platform.db);
  const scheduleQueue = new ScheduleQueue(scheduleConnection, settings.queuePrefix);
  const executions = new ExecutionService(store, platform.configs, catalog, queue, signals, platform.cipher);
  const firer = new ScheduleFirer({
    schedules,
    queue: scheduleQueue,
    executions,
    executionStore: store,
    orgs: platform.orgs,
    logger,
    connection: scheduleConnection,
    prefix: settings.queuePrefix,
  });
  const sync = new ScheduleSync(schedules, scheduleQueue, scheduleConnection, logger, settings.scheduleSyncMs);
  worker.start();
  firer.start();
  sync.start();
  return {
    worker,
    firer,
    sync,
    catalog,
    pools,
    async close() {
      await sync.close();
      await firer.close();
      await scheduleQueue.close();
      scheduleConnection.disconnect();
      await worker.close();
      await pools.close();
      if (!options.catalog) await catalog.close();
      await signals.close();
      await queue.close();
      subscriber.disconnect();
      connection.disconnect();
    },
  };
}

/**
 * Threads by default: one a core (runs that compute in parallel), at least two (a thread that ends
 * takes only its share of the runs with it), never more than runs at once.
 */
function defaultThreads(concurrency: number): number {
  return Math.min(concurrency, Math.max(2, availableParallelism()));
}
