import { ExecutionCancellations } from "../executions/execution-cancellations.ts";
import type { Server } from "node:http";
import { ExecutionQueue } from "../executions/execution-queue.ts";
import { ExecutionRetention } from "../executions/execution-retention.ts";
import { ExecutionService } from "../executions/execution-service.ts";
import { ExecutionSignals } from "../executions/execution-signals.ts";
import { ExecutionStore } from "../executions/execution-store.ts";
import { createApp } from "../http/app.ts";
import { createRedisConnection, waitForRedis } from "../queue/redis-connection.ts";
import { ScheduleQueue, ScheduleService, ScheduleStore } from "../schedules/index.ts";
import { WebhookService, WebhookStore } from "../webhooks/index.ts";
import { loadWorkflowCatalog, type WorkflowCatalog } from "../workflows/workflow-catalog.ts";
import type { Platform } from "./platform.ts";

const REDIS_STARTUP_WAIT_MS = 3_000;
/** How often the API deletes idempotency keys past their 24 h. */
const KEY_PURGE_MS = 60 * 60 * 1000;

export interface RunningServer {
  server: Server;
  url: string;
  catalog: WorkflowCatalog;
  executions: ExecutionService;
  /** The "finished" notices this process hears (every run's end), e.g. to count runs ending. */
  signals: ExecutionSignals;
  close(): Promise<void>;
}

/**
 * Serves the API until `close()`; resolves once the port is open. Redis being down does not stop
 * it: config routes serve, execution requests get 503 QUEUE_UNAVAILABLE until Redis is back.
 */
export async function startServer(
  platform: Platform,
  port = platform.settings.port,
  host = platform.settings.host,
): Promise<RunningServer> {
  const { settings, logger } = platform;
  const catalog = await loadWorkflowCatalog(settings.workflowsDirs, { logger });
  for (const error of catalog.errors)
    logger.error({ file: error.file, line: error.line }, `workflow file not loaded: ${error.message}`);
  catalog.onChange(() => {
    for (const error of catalog.errors)
      logger.error({ file: error.file, line: error.line }, `workflow file not loaded: ${error.message}`);
  });
  catalog.watch(settings.workflowsWatchMs);

  const redis = createRedisConnection(settings.redisUrl, logger, { role: "api", failFast: true });
  const subscriber = createRedisConnection(settings.redisUrl, logger, { role: "api-signals" });
  const queue = new ExecutionQueue(redis, settings.queuePrefix, settings.redisUrl);
  const signals = new ExecutionSignals(redis, subscriber, settings.queuePrefix, logger, ["finished", "logs"]);
  // A moment for the first connection, so a request right after start is not refused needlessly.
  await waitForRedis(redis, REDIS_STARTUP_WAIT_MS);
  const store = new ExecutionStore(platform.db);
  const retention = new ExecutionRetention(platform.db, redis, settings.queuePrefix, logger, settings);
  retention.start();
  const executions = new ExecutionService(store, platform.configs, catalog, queue, signals, platform.cipher, {
    retention,
    retentionDays: settings.executionRetentionDays,
    cancellations: new ExecutionCancellations(platform.db, platform.audit),
  });
  const scheduleQueue = new ScheduleQueue(redis, settings.queuePrefix);
  const schedules = new ScheduleService(
    platform.db,
    new ScheduleStore(platform.db),
    platform.audit,
    catalog,
    scheduleQueue,
    logger,
    { minIntervalS: settings.scheduleMinIntervalS },
  );
  const webhooks = new WebhookService(
    platform.db,
    new WebhookStore(platform.db),
    platform.audit,
    platform.cipher,
    catalog,
    platform.orgs,
    executions,
  );
  const purgeKeys = () =>
    void store.keys.purge().catch((error) => logger.warn({ err: error }, "could not delete expired idempotency keys"));
  const purging = setInterval(purgeKeys, KEY_PURGE_MS);
  purging.unref();

  const app = createApp(platform, { catalog, executions, queue: queue.queue, schedules, webhooks });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const url =
    typeof address === "object" && address
      ? `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`
      : `http://${host}:${port}`;
  return {
    server,
    url,
    catalog,
    executions,
    signals,
    async close() {
      // Open events streams would hold the close until their runs end: they end now (clients reconnect).
      executions.endStreams();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(purging);
      await retention.close();
      await signals.close();
      await queue.close();
      await scheduleQueue.close();
      await catalog.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
