import { createHash, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { openFloorDatabase } from "./design-floor-database.mjs";
import { deleteKeys, REDIS_URL, spawnUntilReady, type BenchEnvironment } from "./environment.ts";
import { postLatencies } from "./queue-figures.ts";

const FLOOR_WORKER = fileURLToPath(new URL("./design-floor-worker.mjs", import.meta.url));

/** How long the floor waits for a run's end before it answers 500 (a lost notice must not hang the bench). */
const WAIT_MS = 10_000;

/**
 * The design floor of HTTP execute with `wait`: the platform's design (its guarantees, its round
 * trips in the same order) and none of its code, on bare node:http, the bare driver and bare
 * BullMQ. A request is authenticated against the database (a revoked token is refused at once),
 * the run's row is written before its job is queued (an accepted run is never lost), the worker
 * stores its claim before running it (it never runs twice) and its outcome before the answer. Four
 * database round trips in a row, plus BullMQ's add → completed and two HTTP legs. Left out: the
 * reads of the run's scope that the platform's scrubbing needs (statements riding in the claim's
 * round trip there, not round trips). Not a floor for every conceivable design: one could fold
 * authentication into the insert's statement, say.
 */
export interface DesignFloor {
  url: string;
  token: string;
}

export async function withDesignFloor<T>(env: BenchEnvironment, fn: (floor: DesignFloor) => Promise<T>): Promise<T> {
  // SQLite: a file of its own beside the platform's, so that the two never share a write lock.
  const databaseUrl =
    env.provider === "sqlite"
      ? `file:${join(dirname(env.env.DATABASE_URL.slice("file:".length)), "floor.db")}`
      : env.env.DATABASE_URL;
  const prefix = `bifrost-bench-floor-${randomBytes(3).toString("hex")}`;
  const db = await openFloorDatabase(databaseUrl);
  const token = randomBytes(32).toString("base64url");
  const hash = (value: string) => createHash("sha256").update(value).digest("hex");
  await db.run("insertToken", hash(token));

  const worker = await spawnUntilReady([FLOOR_WORKER, prefix, databaseUrl]);
  const queue = new Queue("floor", { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix });
  const subscriber = new Redis(REDIS_URL);
  const waiting = new Map<string, () => void>();
  subscriber.on("message", (_channel: string, id: string) => waiting.get(id)?.());
  await subscriber.subscribe(`${prefix}:ended`);

  const server = http.createServer((req, res) => {
    void (async () => {
      const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const principal = presented ? await db.get("lookup", hash(presented)) : undefined;
      if (!principal || principal.revokedAt) {
        res.writeHead(401).end();
        return;
      }
      const id = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const ended = new Promise<void>((resolve, reject) => {
        waiting.set(id, resolve);
        timer = setTimeout(() => reject(new Error(`run ${id} did not end within ${WAIT_MS} ms`)), WAIT_MS);
      });
      ended.catch(() => undefined); // awaited below, unless the insert or the add failed first
      try {
        await db.run("insert", id);
        await queue.add("run", { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
        await ended;
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ id, status: "success", result: null }));
    })().catch((error: Error) => res.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/run`;
  try {
    return await fn({ url, token });
  } finally {
    worker.kill("SIGKILL");
    await new Promise((resolve) => server.close(resolve));
    subscriber.disconnect();
    await queue.close();
    await db.close();
    await deleteKeys(prefix);
  }
}

/** The design floor's execute with `wait`, one request at a time per client (ms per request). */
export function floorLatencies(floor: DesignFloor, count: number, clients = 1): Promise<number[]> {
  return postLatencies(floor.url, floor.token, count, clients);
}
