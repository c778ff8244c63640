import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HIDDEN_JOB_DATA } from "../../src/console/redacted-queue-adapter.ts";
import { EXECUTIONS_QUEUE } from "../../src/executions/execution-queue.ts";
import { findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { TEST_REDIS_URL, startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// The queue dashboard (/admin/queues, bull-board) over real HTTP: its failed authentications count
// with the API's, and it shows the browser no job's data, result, failure, stack trace or logs.

const DASHBOARD = "/admin/queues";

describe("the queue dashboard's sign-in", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ authFailuresPerMinute: 4 });
  });
  afterAll(() => t?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(t.url + path, { headers });

  it("counts its failed authentications against the address's limit, one count with the API's", async () => {
    const statuses = [
      (await get(`${DASHBOARD}/api/queues`, { authorization: "Bearer bft_wrong" })).status,
      (await get(DASHBOARD, { cookie: "bifrost_queues=bft_wrong" })).status,
      // A cookie whose escapes do not decode is no token (it was a 500).
      (await get(DASHBOARD, { cookie: "bifrost_queues=%ZZ" })).status,
      (await get("/api/configs", { authorization: "Bearer bft_wrong" })).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401]);
    // The address is refused everywhere now, with a good token too.
    const refused = await get(`${DASHBOARD}/api/queues`, { authorization: `Bearer ${t.adminToken}` });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    expect((await get(DASHBOARD, { authorization: "Bearer bft_wrong" })).status).toBe(429);
    expect((await get("/api/configs", { authorization: `Bearer ${t.adminToken}` })).status).toBe(429);
  });
});

describe("the queue dashboard's jobs", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(); // no worker: the test plays one
  });
  afterAll(() => t?.close());

  const board = async (path: string) => {
    const response = await fetch(`${t.url}${DASHBOARD}${path}`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    return { status: response.status, text: await response.text() };
  };

  it("show no job data, result, failure, stack trace or log", async () => {
    const userSecret = makeSecret("per-user config");
    const failure = makeSecret("failure message");
    const started = await t.api(t.adminToken)(
      "POST",
      "/api/workflows/flaky/executions",
      { params: { file: "/nonexistent", failures: 5 } },
      { "Config-Api-Key": userSecret.plaintext },
    );
    expect(started.status).toBe(202);
    const id: string = started.body.id;

    // What Redis holds for the job: the sealed per-user config and the execution's ids.
    const queue = new Queue(EXECUTIONS_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: t.queuePrefix });
    const stored = await queue.getJob(id);
    expect(stored?.data).toMatchObject({ executionId: id, userConfig: expect.stringMatching(/^gAAAAA/) });
    const sealed: string = stored!.data.userConfig;

    // One attempt fails, as a worker's would, leaving a failure reason, a stack trace and a log
    // line on the job, which waits (delayed) for its retry.
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      EXECUTIONS_QUEUE,
      async (job) => {
        await job.log(`log line ${failure.plaintext}`);
        throw new Error(`attempt failed: ${failure.plaintext}`);
      },
      { connection, prefix: t.queuePrefix },
    );
    await new Promise<void>((resolve) => worker.once("failed", () => resolve()));
    await worker.close();
    connection.disconnect();
    const failed = await queue.getJob(id);
    expect(failed?.stacktrace?.join("\n")).toContain(failure.plaintext);
    expect(failed?.failedReason).toContain(failure.plaintext);
    expect(await failed?.getState()).toBe("delayed");
    await queue.close();

    const answers = [
      await board(`/api/queues?activeQueue=${EXECUTIONS_QUEUE}&status=delayed&page=1&jobsPerPage=10`),
      await board(`/api/queues?activeQueue=${EXECUTIONS_QUEUE}&status=latest`),
      await board(`/api/queues/${EXECUTIONS_QUEUE}/${id}`),
      await board(`/api/queues/${EXECUTIONS_QUEUE}/${id}/logs`),
      await board(`/api/queues/${EXECUTIONS_QUEUE}/${id}/flow`),
      await board(`/api/job-schedulers`),
    ];
    for (const answer of answers.slice(0, 4)) expect(answer.status, answer.text).toBe(200);

    const listed = JSON.parse(answers[0].text).queues.find((q: { name: string }) => q.name === EXECUTIONS_QUEUE).jobs;
    expect(listed.map((job: { id: string }) => job.id)).toEqual([id]);
    const { job } = JSON.parse(answers[2].text);
    expect(job).toMatchObject({ id, data: HIDDEN_JOB_DATA, returnValue: null, stacktrace: [], isFailed: true });
    expect(job.failedReason).not.toContain("attempt failed");
    expect(JSON.parse(answers[3].text)).toEqual([]);

    const texts = answers.map((answer, i) => ({ where: `dashboard answer ${i}`, content: answer.text }));
    expect(findLeaks(texts, [...needlesFor(userSecret), ...needlesFor(failure)])).toEqual([]);
    for (const { where, content } of texts) {
      expect(content.includes(sealed), `${where} holds the sealed per-user config`).toBe(false);
      expect(content, `${where} shows a stack trace`).not.toMatch(/\bat \S+ \(|\.ts:\d+:\d+/);
    }
  });
});
