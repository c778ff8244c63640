import net from "node:net";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { openPgPool } from "../../src/storage/pg-pool.ts";
import { POSTGRES_ADMIN_URL } from "../support/test-database.ts";

const onPostgres = process.env.BIFROST_TEST_DB === "postgresql";

/** A proxy to the test server that opens every connection after the first late, as a server does during a failover. */
async function slowProxy(delayMs: number) {
  const upstream = new URL(POSTGRES_ADMIN_URL);
  let connections = 0;
  const server = net.createServer((socket) => {
    socket.pause();
    setTimeout(
      () => {
        const target = net.connect(Number(upstream.port || 5432), upstream.hostname, () => {
          socket.pipe(target);
          target.pipe(socket);
          socket.resume();
        });
        target.on("error", () => socket.destroy());
        socket.on("error", () => target.destroy());
      },
      connections++ === 0 ? 0 : delayMs,
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = new URL(POSTGRES_ADMIN_URL);
  url.port = String((server.address() as net.AddressInfo).port);
  return { url: url.toString(), close: () => server.close() };
}

describe.runIf(onPostgres)("the PostgreSQL pool", () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on("uncaughtException", onUncaught);
  afterAll(() => process.off("uncaughtException", onUncaught));

  it("survives a connection opened for a waiter that already gave up", async () => {
    // Timeline: the waiter gives up at 1,000 ms; the connection opened for it at 700 ms arrives at ~1,200 ms.
    const proxy = await slowProxy(500);
    const pool = openPgPool(proxy.url, { max: 1, connectionWaitMs: 1_000 });
    try {
      const held = await pool.connect();
      const waiter = pool.connect().then(
        () => "connected",
        (error: Error) => error.message,
      );
      // The holder's connection broke: the pool opens another for the waiter, which gives up first.
      await new Promise((resolve) => setTimeout(resolve, 700));
      held.release(new Error("broken"));
      expect(await waiter).toMatch(/timeout/i);
      // The late connection is handed over and released at once (no one waits for it any more).
      await once(pool, "release");
      // It waits idle; ending the pool ends it, which throws nowhere.
      expect(pool.idleCount).toBe(1);
      await pool.end();
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // past the pool's own grace for broken connections
      expect(uncaught).toEqual([]);
    } finally {
      proxy.close();
    }
  });
});
