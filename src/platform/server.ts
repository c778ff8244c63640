import type { Server } from "node:http";
import { createApp } from "../http/app.ts";
import type { Platform } from "./platform.ts";

/** Serves the API until `close()`; resolves once the port is open. */
export async function startServer(platform: Platform, port = platform.settings.port, host = platform.settings.host): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = createApp(platform);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  const url = typeof address === "object" && address ? `http://${host.includes(":") ? `[${host}]` : host}:${address.port}` : `http://${host}:${port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
