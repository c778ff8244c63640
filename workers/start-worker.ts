import { ExecutionQueue } from "../src/executions/execution-queue.ts";
import { ExecutionService } from "../src/executions/execution-service.ts";
import { ExecutionSignals } from "../src/executions/execution-signals.ts";
import { ExecutionStore } from "../src/executions/execution-store.ts";
import type { Platform } from "../src/platform/platform.ts";
import { createRedisConnection } from "../src/queue/redis-connection.ts";
import { ScheduleFirer, ScheduleQueue, ScheduleStore, ScheduleSync } from "../src/schedules/index.ts";
import { loadWorkflowCatalog, type WorkflowCatalog } from "../src/workflows/index.ts";
import { ExecutionWorker } from "./execution-worker.ts";

export interface RunningWorker {
  worker: ExecutionWorker;
  /** Turns schedules' fires into runs (every worker process takes fires). */
  firer: ScheduleFirer;
  sync: ScheduleSync;
  catalog: WorkflowCatalog;
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
  const catalog = options.catalog ?? (await loadWorkflowCatalog(settings.workflowsDir));
  if (!options.catalog) for (const error of catalog.errors) logger.error({ file: error.file }, `workflow file not loaded: ${error.message}`);

  const connection = createRedisConnection(settings.redisUrl, logger, { role: "worker" });
  const subscriber = createRedisConnection(settings.redisUrl, logger, { role: "worker-signals" });
  const signals = new ExecutionSignals(connection, subscriber, settings.queuePrefix, logger, ["cancel"]);
  const queue = new ExecutionQueue(connection, settings.queuePrefix, settings.redisUrl);
  const store = new ExecutionStore(platform.db);
  const worker = new ExecutionWorker(
    { platform, catalog, store, signals, queue, connection },
    { concurrency: options.concurrency ?? settings.workerConcurrency, lockMs: settings.workerLockMs },
  );
  const schedules = new ScheduleStore(platform.db);
  const scheduleQueue = new ScheduleQueue(connection, settings.queuePrefix);
  const executions = new ExecutionService(store, platform.configs, catalog, queue, signals, platform.cipher);
  const firer = new ScheduleFirer({ schedules, queue: scheduleQueue, executions, executionStore: store, orgs: platform.orgs, logger, connection, prefix: settings.queuePrefix });
  const sync = new ScheduleSync(schedules, scheduleQueue, connection, logger, settings.scheduleSyncMs);
  worker.start();
  firer.start();
  sync.start();
  return {
    worker,
    firer,
    sync,
    catalog,
    async close() {
      await sync.close();
      await firer.close();
      await scheduleQueue.close();
      await worker.close();
      await signals.close();
      await queue.close();
      subscriber.disconnect();
      connection.disconnect();
    },
  };
}
