// The design floor's worker (bench/design-floor.ts): a bare BullMQ worker that stores a run's
// claim before running it and its outcome before announcing its end, straight on the driver, with
// no platform code. What any worker keeping those two guarantees must wait for.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { openFloorDatabase } from "./design-floor-database.mjs";

const [prefix, databaseUrl] = process.argv.slice(2);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const db = await openFloorDatabase(databaseUrl);
const publisher = new Redis(redisUrl);

const worker = new Worker(
  "floor",
  async (job) => {
    const { id } = job.data;
    if ((await db.run("claim", id)) !== 1) return null;
    const result = JSON.stringify(null);
    await db.run("finish", result, id);
    await publisher.publish(`${prefix}:ended`, id);
    return null;
  },
  { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix, concurrency: 100 },
);
await worker.waitUntilReady();
process.stdout.write("ready\n");
process.on("SIGTERM", () => worker.close().then(() => process.exit(0)));
