import type { Command } from "commander";

/** `bifrost start` (API + worker, the embedded default) and `bifrost server` (API only). */
export function registerServeCommands(program: Command): void {
  program
    .command("start")
    .description("run the API and a worker in one process (the embedded default: SQLite + local Redis)")
    .action(() => serve({ worker: true }));

  program
    .command("server")
    .description("run the API only (scale workers separately with `bifrost worker`)")
    .action(() => serve({ worker: false }));
}

async function serve(_options: { worker: boolean }): Promise<void> {
  const { openPlatform } = await import("../../platform/platform.ts");
  const { startServer } = await import("../../platform/server.ts");
  const platform = await openPlatform();
  const server = await startServer(platform);
  const { logger, db } = platform;
  logger.info({ url: server.url, database: db.displayUrl }, `Bifrost API listening on ${server.url}`);
  if ((await db.prisma.apiToken.count()) === 0) {
    logger.warn("no API tokens yet: create one with `npx bifrost tokens create --admin` and send it as `Authorization: Bearer <token>`");
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await server.close();
    await platform.close();
    logger.flush();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}
