import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUN_LOG_LIMITS } from "../../sdk/execution-parts.ts";
import { GLOBAL_SCOPE } from "../../src/orgs/index.ts";
import { filesUnder, findLeaks, makeSecret, needlesFor } from "../support/leak-search.ts";
import { readSse, type SseEvent } from "../support/sse-reader.ts";
import { dumpAllTables } from "../support/test-database.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { LIVE_LOG_FLUSH_MS } from "../../workers/live-log.ts";
import { lines, runCli, spawnCli, unusedPort, type CliProcess } from "./cli-runner.ts";

// Logs stored while runs go (execution_logs), read from a second API process than the one that
// started the run, by polling, by `after=` and as Server-Sent Events; a worker killed mid-run.

const FIXTURES = fileURLToPath(new URL("../fixtures/workflows-live-logs/", import.meta.url));
const READY = /taking executions/;

let t: TestPlatform;
let admin: Api;
/** The second API process (`bifrost server`), and a client of it. */
let second: CliProcess;
let secondUrl: string;
let other: Api;
let worker: CliProcess;
const processes: CliProcess[] = [];

function spawn(args: string[], env: Record<string, string> = {}): CliProcess {
  const p = spawnCli(args, { env: t.env(env) });
  processes.push(p);
  return p;
}

beforeAll(async () => {
  t = await startTestPlatform({ workflowsDir: FIXTURES, workerLockMs: 1_000 });
  admin = t.api(t.adminToken);
  const port = await unusedPort();
  second = spawn(["server"], { PORT: String(port) });
  worker = spawn(["worker"]);
  await Promise.all([second.waitFor(/Bifrost API listening/), worker.waitFor(READY)]);
  secondUrl = `http://127.0.0.1:${port}`;
  other = async (method, path, body, headers = {}) => {
    const response = await fetch(secondUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${t.adminToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
  };
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await t?.close();
});

const gateFile = () => join(t.db.dir, `gate-${randomBytes(4).toString("hex")}`);
const open = (file: string) => writeFileSync(file, "");
const start = async (workflow: string, params: unknown): Promise<string> => {
  const res = await admin("POST", `/api/workflows/${workflow}/executions`, { params });
  expect(res.status, res.text).toBe(202);
  return res.body.id;
};
const messages = (logs: { message: string }[]) => logs.map((l) => l.message);

/** Opens the events stream of `id` on the second API process. */
async function events(id: string, headers: Record<string, string> = {}, signal?: AbortSignal) {
  const response = await fetch(`${secondUrl}/api/executions/${id}/events`, {
    headers: { authorization: `Bearer ${t.adminToken}`, ...headers },
    signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return readSse(response);
}

describe("live logs", () => {
  it("a running execution's lines are stored as they are written and read from another API process, by seq", async () => {
    const gate = gateFile();
    const id = await start("log_then_wait", { lines: 5, gate });
    // While it waits on the gate (running), the second process shows the 5 lines.
    await expect
      .poll(async () => (await other("GET", `/api/executions/${id}`)).body.logs.length, { timeout: 10_000 })
      .toBe(5);
    const running = (await other("GET", `/api/executions/${id}`)).body;
    expect(running.status).toBe("running");
    expect(running.logs.map((l: { seq: number }) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(running.logs[0]).toMatchObject({
      seq: 1,
      level: "info",
      message: "line 1",
      at: expect.stringMatching(/^\d{4}-/),
    });

    const after = await other("GET", `/api/executions/${id}/logs?after=2`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ logs: running.logs.slice(2), status: "running", nextAfter: 5 });
    expect((await other("GET", `/api/executions/${id}/logs?after=5`)).body).toEqual({
      logs: [],
      status: "running",
      nextAfter: 5,
    });

    open(gate);
    const ended = await t.server.executions.waitForEnd(id, 20_000);
    expect(ended.status).toBe("success");
    const view = (await other("GET", `/api/executions/${id}`)).body;
    expect(view.logs.map((l: { seq: number }) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(messages(view.logs).at(-1)).toBe("after gate 1");
    expect((await other("GET", `/api/executions/${id}/logs?after=5&limit=10`)).body).toMatchObject({
      logs: [{ seq: 6, message: "after gate 1" }],
      status: "success",
      nextAfter: 6,
    });
  });

  it("streams lines and status as Server-Sent Events, resumes after Last-Event-ID, and ends with the run", async () => {
    const gate = gateFile();
    const id = await start("log_then_wait", { lines: 5, gate, after: 2 });
    const first = new AbortController();
    const seen: SseEvent[] = [];
    for await (const event of await events(id, {}, first.signal)) {
      seen.push(event);
      if (seen.filter((e) => e.event === "log").length === 3) break;
    }
    first.abort();
    const logs = seen.filter((e) => e.event === "log");
    expect(logs.map((e) => e.id)).toEqual(["1", "2", "3"]);
    expect(JSON.parse(logs[0].data)).toMatchObject({ seq: 1, level: "info", message: "line 1" });

    // Reconnect as EventSource does: Last-Event-ID is the last seq seen.
    const rest: SseEvent[] = [];
    const stream = await events(id, { "last-event-id": "3" });
    for await (const event of stream) {
      rest.push(event);
      if (rest.filter((e) => e.event === "log").length === 2) open(gate);
    }
    // The loop ended: the server closed the stream once the run ended.
    const restLogs = rest.filter((e) => e.event === "log").map((e) => JSON.parse(e.data));
    expect(restLogs.map((l) => [l.seq, l.message])).toEqual([
      [4, "line 4"],
      [5, "line 5"],
      [6, "after gate 1"],
      [7, "after gate 2"],
    ]);
    const statuses = rest.filter((e) => e.event === "status").map((e) => JSON.parse(e.data).status);
    expect(statuses[0]).toBe("running");
    expect(statuses.at(-1)).toBe("success");
    expect(rest.at(-1)!.event).toBe("status");

    // An ended run's stream gives everything, then its status, and ends; `after=` works too.
    const replay: SseEvent[] = [];
    for await (const event of await events(id)) replay.push(event);
    expect(replay.map((e) => e.event)).toEqual([...Array(7).fill("log"), "status"]);
    const tail: SseEvent[] = [];
    const response = await fetch(`${secondUrl}/api/executions/${id}/events?after=6`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    for await (const event of readSse(response)) tail.push(event);
    expect(tail.map((e) => e.id ?? e.data)).toEqual(["7", JSON.stringify({ status: "success" })]);
  });

  it("a secret a run logs is scrubbed before its line is stored: never in the tables, Redis or the logs", async () => {
    const secret = makeSecret("live");
    await t.platform.configs.set(GLOBAL_SCOPE, "live_secret", { type: "secret", value: secret.plaintext }, "test");
    const gate = gateFile();
    const id = await start("log_secret_live", { gate });
    await expect
      .poll(async () => (await other("GET", `/api/executions/${id}/logs`)).body.logs.length, { timeout: 10_000 })
      .toBe(4);
    const midRun = (await other("GET", `/api/executions/${id}/logs`)).body;
    expect(midRun.status).toBe("running");
    expect(messages(midRun.logs)).toEqual([
      "token [REDACTED]",
      "console [REDACTED]",
      "pieces [REDACTED] end",
      '{"nested":"[REDACTED]"}',
    ]);
    const midRunTables = await dumpAllTables(t.db);
    open(gate);
    expect((await t.server.executions.waitForEnd(id, 20_000)).status).toBe("success");
    expect(messages((await other("GET", `/api/executions/${id}`)).body.logs).at(-1)).toBe("again [REDACTED]");

    const haystacks = [
      { where: "tables mid-run", content: midRunTables },
      { where: "tables", content: await dumpAllTables(t.db) },
      { where: "redis", content: await t.redisDump() },
      { where: "worker output", content: worker.output() },
      { where: "second API output", content: second.output() },
      ...filesUnder(t.db.dir),
    ];
    expect(findLeaks(haystacks, needlesFor(secret))).toEqual([]);
  });

  it("keeps the per-run limits: a flood stores at most RUN_LOG_LIMITS.lines lines, the last one counting the rest", async () => {
    const id = await start("log_flood", { lines: RUN_LOG_LIMITS.lines + 500 });
    expect((await t.server.executions.waitForEnd(id, 30_000)).status).toBe("success");
    const { logs } = (await admin("GET", `/api/executions/${id}`)).body;
    expect(logs).toHaveLength(RUN_LOG_LIMITS.lines);
    expect(logs.map((l: { seq: number }) => l.seq)).toEqual(
      Array.from({ length: RUN_LOG_LIMITS.lines }, (_, i) => i + 1),
    );
    expect(logs.at(-1).message).toMatch(/^The log reached its limit .*: 501 later lines were dropped$/);
    // Paged reads: at most `limit` lines, `nextAfter` to go on from.
    const page = (await admin("GET", `/api/executions/${id}/logs?after=100&limit=50`)).body;
    expect(page.logs.map((l: { seq: number }) => l.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 101));
    expect(page.nextAfter).toBe(150);
  });

  it("refuses bad input with 400 and hides other orgs' executions", async () => {
    const id = await start("log_flood", { lines: 1 });
    await t.server.executions.waitForEnd(id, 20_000);
    for (const query of ["after=-1", "after=x", "limit=0", "limit=100000"]) {
      const res = await admin("GET", `/api/executions/${id}/logs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
    }
    const bad = await fetch(`${t.url}/api/executions/${id}/events`, {
      headers: { authorization: `Bearer ${t.adminToken}`, "last-event-id": "nope" },
    });
    expect(bad.status).toBe(400);
    const org = t.api(await t.orgToken("live-logs-other"));
    const own = await org("GET", `/api/executions/${id}`);
    for (const path of [`/api/executions/${id}/logs`, `/api/executions/${id}/events`]) {
      const res = await org("GET", path);
      expect(res.status, path).toBe(own.status);
      expect(res.body.error.code).toBe(own.body.error.code);
    }
    expect((await admin("GET", "/api/executions/00000000-0000-0000-0000-000000000000/logs")).status).toBe(404);
  });

  it("`bifrost run` prints lines as they come; `bifrost executions logs` prints them, --follow until the run ends, --json as JSON lines", async () => {
    const gate = gateFile();
    const run = spawn(["run", "log_then_wait", "--params", JSON.stringify({ lines: 3, gate })]);
    // Printed while the run still waits on its gate: followed live, not at the end.
    await run.waitFor(/info {2}line 3\n/, 15_000);
    expect(run.output()).not.toMatch(/log_then_wait success/);
    const id = (await admin("GET", "/api/executions?workflow=log_then_wait&status=running")).body[0].id as string;

    const follow = spawn(["executions", "logs", id, "--follow", "--json"]);
    await follow.waitFor(/"seq":3/, 15_000);
    const snapshot = await runCli(["executions", "logs", id], { env: t.env() });
    expect(snapshot.code, snapshot.stderr).toBe(0);
    expect(lines(snapshot.stdout).map((l) => l.replace(/^ {2}\S+ /, ""))).toEqual([
      "info  line 1",
      "info  line 2",
      "info  line 3",
    ]);

    open(gate);
    const exited = (p: CliProcess) =>
      new Promise<number | null>((resolve) =>
        p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once("exit", (code) => resolve(code)),
      );
    expect(await exited(run)).toBe(0);
    expect(run.output()).toMatch(
      /info {2}line 3\n {2}\S+ info {2}after gate 1\nlog_then_wait success \(global, id [0-9a-f-]{36}, \d+ ms\)\n/,
    );
    expect(await exited(follow)).toBe(0);
    expect(lines(follow.output()).map((l) => JSON.parse(l))).toEqual(
      [1, 2, 3, 4].map((seq) => ({
        seq,
        at: expect.any(String),
        level: "info",
        message: seq === 4 ? "after gate 1" : `line ${seq}`,
      })),
    );
    const missing = await runCli(["executions", "logs", "00000000-0000-0000-0000-000000000000"], { env: t.env() });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/EXECUTION_NOT_FOUND/);
  });

  it("a worker SIGKILLed mid-run keeps every line it had stored; the 'interrupted' line comes next", async () => {
    const gate = gateFile();
    const id = await start("log_then_wait", { lines: 5, gate });
    await expect
      .poll(async () => (await other("GET", `/api/executions/${id}/logs`)).body.logs.length, { timeout: 10_000 })
      .toBe(5);
    await worker.stop("SIGKILL");
    worker = spawn(["worker"]);
    await worker.waitFor(READY);
    const ended = await t.server.executions.waitForEnd(id, 30_000);
    expect(ended.status).toBe("failed");
    const { logs } = (await other("GET", `/api/executions/${id}`)).body;
    expect(logs.map((l: { seq: number; message: string }) => [l.seq, l.message])).toEqual([
      [1, "line 1"],
      [2, "line 2"],
      [3, "line 3"],
      [4, "line 4"],
      [5, "line 5"],
      [6, "Attempt 1 of 1 was interrupted: the worker running it stopped (not retried: retries is 0)"],
    ]);
    open(gate);
  }, 60_000);

  it("with BIFROST_LIVE_LOGS=false a worker stores a run's lines only when the run ends", async () => {
    await worker.stop("SIGKILL");
    worker = spawn(["worker"], { BIFROST_LIVE_LOGS: "false" });
    await worker.waitFor(READY);
    const gate = gateFile();
    const mark = gateFile();
    const id = await start("log_then_wait", { lines: 5, gate, mark });
    await expect.poll(() => existsSync(mark), { timeout: 10_000 }).toBe(true);
    // The lines are written; a live worker would have stored them within LIVE_LOG_FLUSH_MS.
    await sleep(4 * LIVE_LOG_FLUSH_MS);
    expect((await other("GET", `/api/executions/${id}`)).body).toMatchObject({ status: "running", logs: [] });
    open(gate);
    expect((await t.server.executions.waitForEnd(id, 20_000)).status).toBe("success");
    const { logs } = (await other("GET", `/api/executions/${id}`)).body;
    expect(logs.map((l: { seq: number; message: string }) => [l.seq, l.message])).toEqual([
      [1, "line 1"],
      [2, "line 2"],
      [3, "line 3"],
      [4, "line 4"],
      [5, "line 5"],
      [6, "after gate 1"],
    ]);
  }, 60_000);
});
