import { spawn } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { deleteKeys, REDIS_URL, type BenchEnvironment } from "./environment.ts";
import { request } from "./http-client.ts";
import { timings } from "./measure.ts";
import { openFloorDatabase } from "./design-floor-database.mjs";

const FLOOR_WORKER = fileURLToPath(new URL("./design-floor-worker.mjs", import.meta.url));

/**
 * The design floor of HTTP execute with `wait`: the guarantees the platform keeps, and nothing
 * else, on bare node:http, the bare driver and bare BullMQ. A request is authenticated against the
 * database (a revoked token is refused at once), the run's row is written before its job is
 * queued (an accepted run is never lost), the worker stores its claim before running it (it never
 * runs twice) and its outcome before the answer (what was answered is stored). Four database round
 * trips in a row, plus BullMQ's add → completed and two HTTP legs: what any design keeping those
 * guarantees waits for on this machine. The platform's distance from it is its own cost.
 */
export interface DesignFloor {
  url: string;
  token: string;
}

export async function withDesignFloor<T>(env: BenchEnvironment, fn: (floor: DesignFloor) => Promise<T>): Promise<T> {
  // SQLite: a file of its own beside the platform's, so that the two never share a write lock.
  const databaseUrl = env.provider === "sqlite" ? `file:${join(dirname(env.env.DATABASE_URL.slice("file:".length)), "floor.db")}` : env.env.DATABASE_URL;
  const prefix = `bifrost-bench-floor-${randomBytes(3).toString("hex")}`;
  const db = await openFloorDatabase(databaseUrl);
  const token = randomBytes(32).toString("base64url");
  const hash = (value: string) => createHash("sha256").update(value).digest("hex");
  await db.run("insertToken", hash(token));

  const worker = spawn(process.execPath, [FLOOR_WORKER, prefix, databaseUrl], { env: { ...process.env, REDIS_URL }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    worker.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    worker.once("exit", (code) => reject(new Error(`design floor worker exited ${code}`)));
  });
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
      const ended = new Promise<void>((resolve) => waiting.set(id, resolve));
      await db.run("insert", id);
      await queue.add("run", { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
      await ended;
      waiting.delete(id);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id, status: "succeeded", result: null }));
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
  return timings(
    count,
    async () => {
      const res = await request(floor.url, { method: "POST", headers: { authorization: `Bearer ${floor.token}` } });
      if (res.status !== 200) throw new Error(`design floor answered ${res.status}: ${res.body}`);
    },
    clients,
  );
}
