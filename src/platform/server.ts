import type { Server } from "node:http";
import { createApp } from "../http/app.ts";
import { loadWorkflowCatalog, type WorkflowCatalog } from "../workflows/workflow-catalog.ts";
import type { Platform } from "./platform.ts";

/** Serves the API until `close()`; resolves once the port is open. */
export async function startServer(
  platform: Platform,
  port = platform.settings.port,
  host = platform.settings.host,
): Promise<{ server: Server; url: string; catalog: WorkflowCatalog; close(): Promise<void> }> {
  const catalog = await loadWorkflowCatalog(platform.settings.workflowsDir);
  for (const error of catalog.errors) platform.logger.error({ file: error.file }, `workflow file not loaded: ${error.message}`);
  const app = createApp(platform, catalog);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const url = typeof address === "object" && address ? `http://${host.includes(":") ? `[${host}]` : host}:${address.port}` : `http://${host}:${port}`;
  return {
    server,
    url,
    catalog,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
