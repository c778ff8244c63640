import { Option, type Command } from "commander";
import type { Platform } from "../../platform/platform.ts";
import type { WorkflowCatalog } from "../../workflows/workflow-catalog.ts";

/**
 * Starts a worker in this process. The executable passes it in (bin/bifrost.mjs): workers/ is a
 * deployable built on src/, so src/ never imports it.
 */
export type StartWorker = (
  platform: Platform,
  options: { concurrency?: number; catalog?: WorkflowCatalog },
) => Promise<{ worker: { id: string }; catalog: WorkflowCatalog; close(): Promise<void> }>;

const concurrencyOption = () =>
  new Option(
    "--concurrency <n>",
    "executions this process runs at once (default: BIFROST_WORKER_CONCURRENCY or 10)",
  ).argParser((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      throw new Error(`--concurrency must be an integer from 1 to 1000, not ${JSON.stringify(value)}`);
    return n;
  });

/**
 * `bifrost start` (API + worker, the embedded default), `bifrost server` (API only) and
 * `bifrost worker` (a worker only: run as many as the load needs, on any machine that reaches
 * the same database and Redis).
 */
export function registerServeCommands(program: Command, startWorker: StartWorker): void {
  program
    .command("start")
    .description("run the API and a worker in one process (the embedded default: SQLite + local Redis)")
    .addOption(concurrencyOption())
    .action((options: { concurrency?: number }) =>
      serve(startWorker, { api: true, worker: true, concurrency: options.concurrency }),
    );

  program
    .command("server")
    .description("run the API only (scale workers separately with `bifrost worker`)")
    .action(() => serve(startWorker, { api: true, worker: false }));

  program
    .command("worker")
    .description("run executions from the queue (several workers, on several machines, share one queue)")
    .addOption(concurrencyOption())
    .action((options: { concurrency?: number }) =>
      serve(startWorker, { api: false, worker: true, concurrency: options.concurrency }),
    );
}

async function serve(
  startWorker: StartWorker,
  options: { api: boolean; worker: boolean; concurrency?: number },
): Promise<void> {
  const { openPlatform } = await import("../../platform/platform.ts");
  const platform = await openPlatform();
  const { logger, db, settings } = platform;
  const closers: (() => Promise<void>)[] = [];

  let catalog;
  if (options.api) {
    const { startServer } = await import("../../platform/server.ts");
    const server = await startServer(platform);
    closers.push(server.close);
    catalog = server.catalog;
    logger.info({ url: server.url, database: db.displayUrl }, `Bifrost API listening on ${server.url}`);
    await warnWithoutTokens(platform);
  }
  if (options.worker) {
    const { displayRedisUrl } = await import("../../queue/redis-connection.ts");
    const worker = await startWorker(platform, { concurrency: options.concurrency, catalog });
    // After the API (when there is one): no new runs come in while the running ones finish.
    closers.push(worker.close);
    const workflows = worker.catalog.list().map((w) => w.name);
    logger.info(
      {
        worker: worker.worker.id,
        redis: displayRedisUrl(settings.redisUrl),
        queuePrefix: settings.queuePrefix,
        concurrency: options.concurrency ?? settings.workerConcurrency,
        workflows,
      },
      `worker ${worker.worker.id} taking executions (${workflows.length} workflows from ${settings.workflowsDirs.join(":")})`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn("second signal: exiting without waiting for running executions");
      logger.flush();
      process.exit(1);
    }
    stopping = true;
    const { shutdownTimeoutMs } = settings;
    logger.info({ signal, shutdownTimeoutMs }, "shutting down (waiting for running executions; signal again to force)");
    // Runs, Redis or the database may never answer: the process ends within its drain time anyway.
    setTimeout(() => {
      logger.warn(
        { shutdownTimeoutMs },
        "not stopped within BIFROST_SHUTDOWN_TIMEOUT_MS: exiting without waiting any longer",
      );
      logger.flush();
      process.exit(1);
    }, shutdownTimeoutMs);
    for (const close of closers) await close();
    await platform.close();
    logger.flush();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

async function warnWithoutTokens(platform: Platform): Promise<void> {
  if ((await platform.db.prisma.apiToken.count()) === 0) {
    platform.logger.warn(
      "no API tokens yet: create one with `npx bifrost tokens create --admin` and send it as `Authorization: Bearer <token>`",
    );
  }
}
