import pg from "pg";

/** How long a broken connection may stay checked out before the pool takes it back itself. */
const BROKEN_CONNECTION_GRACE_MS = 1_000;
/** How long a query waits for a free connection before it fails (a 503 then, never a hang). */
const CONNECTION_WAIT_MS = 15_000;

/**
 * The one pool of PostgreSQL connections a process has (Prisma's adapter and DirectSql share it).
 *
 * A connection the server ends while it is checked out (a restart, a failover,
 * `pg_terminate_backend`) is broken for good, and must go back to the pool to be dropped. Prisma's
 * adapter does not give it back when it breaks inside an interactive transaction (its ROLLBACK
 * fails before its release), so a few such breaks used to leave every connection checked out and
 * every later query waiting forever (faults.test.ts: the database lost during config writes). A
 * connection that ended is released here, with its error, once its holder had a moment to do it;
 * a holder's own release after that is a no-op instead of pg's "already released" error.
 */
export function openPgPool(url: string, options: { max?: number; connectionWaitMs?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectionWaitMs ?? CONNECTION_WAIT_MS,
  });
  // An idle connection that breaks is dropped by the pool; without a listener its 'error' event
  // would end the process.
  pool.on("error", () => {});
  // Which clients are checked out now: pg-pool emits both events synchronously, and may release
  // a client within the checkout (its waiter gave up), before the wrap below runs.
  const checkedOut = new Set<pg.PoolClient>();
  pool.on("release", (_error, client) => checkedOut.delete(client));
  pool.on("acquire", (client) => {
    checkedOut.add(client);
    // pg-pool gives the client this checkout's release right after the event: wrap that one.
    process.nextTick(() => {
      if (!checkedOut.has(client)) return;
      const release = client.release;
      let released = false;
      const onEnd = () => {
        setTimeout(() => {
          if (!released) client.release(new Error("The connection ended while it was checked out"));
        }, BROKEN_CONNECTION_GRACE_MS).unref();
      };
      client.release = ((error?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener("end", onEnd);
        try {
          release.call(client, error);
        } catch {
          // pg-pool's own "already released": the checkout is over either way.
        }
      }) as typeof client.release;
      client.once("end", onEnd);
    });
  });
  return pool;
}
