// The ceiling: a bare BullMQ worker process doing nothing per job, on the same Redis.
import { Worker } from "bullmq";

const [prefix, concurrency] = process.argv.slice(2);
const worker = new Worker("raw", async () => null, {
  connection: { url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", maxRetriesPerRequest: null },
  prefix,
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.stdout.write("ready\n");
process.on("SIGTERM", () => worker.close().then(() => process.exit(0)));
