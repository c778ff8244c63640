import { afterAll, beforeAll, it } from "vitest";
import { startWorker } from "../../workers/start-worker.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// A worker started and closed at once (a deploy that rolls back, a test): nothing it began may
// fail later on a connection it closed. vitest fails the run on such an unhandled rejection.

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.close());

it("closes a worker right after it started, again and again, leaving no command behind", async () => {
  for (let i = 0; i < 20; i++) {
    const worker = await startWorker(t.platform, { concurrency: 1, catalog: t.server.catalog });
    await worker.close();
  }
});
