import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { lines, runCli, spawnCli, unusedPort, type CliProcess } from "./cli-runner.ts";

// Real `bifrost worker` / `bifrost start` processes against the test's database and the local
// Redis: scaling out, a worker killed mid-run, Redis going away and coming back, `bifrost run`.

let t: TestPlatform;
let admin: Api;
const processes: CliProcess[] = [];

beforeAll(async () => {
  // One lock duration for every worker here: BullMQ spaces stalled checks by the interval of the
  // worker that ran the last one, so a 30 s worker earlier would delay the kill test's recovery.
  t = await startTestPlatform({ workerLockMs: 1_000 });
  admin = t.api(t.adminToken);
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop("SIGKILL")));
});
afterAll(() => t?.close());

function worker(extraEnv: Record<string, string> = {}, args: string[] = []): CliProcess {
  const p = spawnCli(["worker", ...args], { env: t.env(extraEnv) });
  processes.push(p);
  return p;
}

const READY = /taking executions/;
const tmpFile = (name: string) => join(t.db.dir, `${name}-${randomBytes(4).toString("hex")}.log`);
const startedRuns = (file: string) =>
  existsSync(file) ? lines(readFileSync(file, "utf8")).map((line) => line.split(" ")) : [];
const start = async (workflow: string, params: unknown) => {
  const res = await admin("POST", `/api/workflows/${workflow}/executions`, { params });
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const settleAll = (ids: string[], timeoutMs = 60_000) =>
  Promise.all(ids.map(async (id) => t.server.executions.view(await t.server.executions.waitForEnd(id, timeoutMs))));

describe("bifrost worker processes", () => {
  it("two workers share one queue: each run once, the load split between them", async () => {
    const workers = [worker({}, ["--concurrency", "4"]), worker({}, ["--concurrency", "4"])];
    await Promise.all(workers.map((w) => w.waitFor(READY)));
    const file = tmpFile("shared");
    const ids = await Promise.all(Array.from({ length: 40 }, () => start("slow", { ms: 150, file })));
    const done = await settleAll(ids);
    expect(done.map((e) => e.status)).toEqual(ids.map(() => "success"));

    const runs = startedRuns(file);
    expect(runs.map(([id]) => id).sort()).toEqual([...ids].sort());
    const byPid = new Map<string, number>();
    for (const [, pid] of runs) byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
    const pids = workers.map((w) => String(w.child.pid));
    expect([...byPid.keys()].sort()).toEqual(pids.sort());
    // Eight slots over 40 runs of 150 ms: a worker taking fewer than 5 would mean it barely took part.
    for (const count of byPid.values()) expect(count).toBeGreaterThanOrEqual(5);
  });

  it("`bifrost run` runs a workflow through the API and a worker, and exits non-zero when it is refused or fails", async () => {
    await worker().waitFor(READY);
    const env = t.env();
    const ok = await runCli(["run", "echo_params", "--param", "n=5", "--param", "tag=cli"], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^echo_params success \(global, id [0-9a-f-]{36}, \d+ ms\)/m);
    // The run's lines are printed as they come (followed live), before its outcome.
    expect(ok.stdout.indexOf("info  n is 5")).toBeGreaterThan(-1);
    expect(ok.stdout.indexOf("info  n is 5")).toBeLessThan(ok.stdout.indexOf("echo_params success"));
    expect(JSON.parse(ok.stdout.slice(ok.stdout.indexOf("{")))).toEqual({ n: 5, tag: "cli" });

    const bad = await runCli(["run", "echo_params", "--param", "n=five"], { env });
    expect(bad.code).toBe(2); // a bad argument
    expect(lines(bad.stderr)).toEqual([expect.stringMatching(/^bifrost: VALIDATION_ERROR: body\.params\.n: /)]);

    const failed = await runCli(
      ["run", "flaky", "--params", JSON.stringify({ file: tmpFile("cli-flaky"), failures: 9 }), "--json"],
      { env, timeoutMs: 60_000 },
    );
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: "failed", attempts: 3 });
    // --json: the error too, with a code a script can test
    expect(JSON.parse(failed.stderr).error).toMatchObject({
      code: "EXECUTION_FAILED",
      message: expect.stringMatching(/^execution [0-9a-f-]{36} ended failed: Error: planned failure 3 of 9/),
    });

    const queued = await runCli(["run", "noop", "--no-wait", "--json"], { env });
    expect(queued.code).toBe(0);
    const { id } = JSON.parse(queued.stdout);
    await t.server.executions.waitForEnd(id, 20_000);
    const listed = await runCli(["executions", "list", "--workflow", "noop", "--json"], { env });
    expect(JSON.parse(listed.stdout).map((e: { id: string }) => e.id)).toContain(id);
    const shown = await runCli(["executions", "get", id], { env });
    expect(shown.stdout).toMatch(/^noop success/);
  });

  it("a worker killed with 100 runs in flight leaves nothing running: retries: 0 fails once, retries: 1 runs again elsewhere", async () => {
    const doomed = worker({}, ["--concurrency", "100"]);
    await doomed.waitFor(READY);
    const once = tmpFile("once");
    const twice = tmpFile("twice");
    const noRetry = await Promise.all(Array.from({ length: 50 }, () => start("slow", { ms: 60_000, file: once })));
    const retried = await Promise.all(
      Array.from({ length: 50 }, () => start("slow_retried", { ms: 3_000, file: twice })),
    );
    // Kill once every workflow body has started (the row turns `running` a little earlier).
    await expect.poll(() => startedRuns(once).length + startedRuns(twice).length, { timeout: 30_000 }).toBe(100);
    expect((await admin("GET", "/api/executions?status=running&limit=200")).body).toHaveLength(100);

    await doomed.stop("SIGKILL");
    await worker({}, ["--concurrency", "100"]).waitFor(READY);
    const ended = await settleAll([...noRetry, ...retried], 60_000);

    for (const e of ended.slice(0, 50)) {
      expect(e).toMatchObject({ status: "failed", attempts: 1 });
      expect(e.error).toBe("Attempt 1 of 1 was interrupted: the worker running it stopped (not retried: retries is 0)");
    }
    for (const e of ended.slice(50)) {
      expect(e).toMatchObject({ status: "success", attempts: 2 });
      expect(e.logs.map((l) => l.message)).toEqual([
        "Attempt 1 of 2 was interrupted: the worker running it stopped; retrying",
      ]);
    }
    const onceRuns = startedRuns(once).map(([id]) => id);
    expect(onceRuns.sort()).toEqual([...noRetry].sort());
    const twiceRuns = startedRuns(twice).map(([id]) => id);
    expect(twiceRuns.sort()).toEqual([...retried, ...retried].sort());
    expect((await admin("GET", "/api/executions?status=running")).body).toEqual([]);
  });

  it("a rejection workflow code left unhandled goes to its run's log, scrubbed, and the worker goes on; after the run's end, to the worker's log without its message", async () => {
    const secret = `stray-${randomBytes(12).toString("hex")}`;
    expect([200, 201]).toContain(
      (await admin("PUT", "/api/configs/stray_secret", { type: "secret", value: secret })).status,
    );
    const w = worker();
    await w.waitFor(READY);
    const [rejected] = await settleAll([await start("stray_rejection", {})]);
    expect(rejected).toMatchObject({ status: "success", result: "returned" });
    expect(rejected.logs).toEqual([
      expect.objectContaining({
        level: "error",
        message: expect.stringMatching(
          /^A promise was rejected and nothing handled it \(not awaited\?\): Error: a stray rejection holding \[REDACTED\]\n\s+at /,
        ),
      }),
    ]);
    // Rejected as the method returns: Node reports it after the run's end.
    const [atReturn] = await settleAll([await start("stray_rejection_at_return", {})]);
    expect(atReturn).toMatchObject({ status: "success", logs: [] });
    await w.waitFor(/a promise of a workflow's was rejected after its run ended/);
    expect((await settleAll([await start("noop", {})]))[0].status).toBe("success");
    expect(w.child.exitCode).toBeNull();
    expect(w.output()).not.toContain(secret);
  });

  it("process.exit(), an error thrown in a timer and a heap past its limit fail the runs of that thread, saying why; the worker goes on", async () => {
    const secret = `stray-${randomBytes(12).toString("hex")}`;
    expect([200, 201]).toContain(
      (await admin("PUT", "/api/configs/stray_secret", { type: "secret", value: secret })).status,
    );
    // One thread for every run: the run beside the one that ends it goes too.
    const w = worker({ BIFROST_WORKER_THREADS: "1" }, ["--concurrency", "4"]);
    await w.waitFor(READY);
    const cases: [string, unknown, RegExp][] = [
      ["exits", { code: 3 }, /^The workflow called process\.exit\(3\), which ended the thread running it/],
      [
        "stray_throw",
        {},
        /^An error was thrown outside the run's own chain of awaits \(in a timer or event callback\?\), nothing caught it, and it ended the thread running the workflow:\nError: a stray throw holding \[REDACTED\]\n\s+at /,
      ],
    ];
    for (const [workflow, params, reason] of cases) {
      const beside = await start("slow", { ms: 30_000 });
      await expect.poll(async () => (await admin("GET", `/api/executions/${beside}`)).body.status).toBe("running");
      const [ended, other] = await settleAll([await start(workflow, params), beside]);
      expect(ended, workflow).toMatchObject({ status: "failed", error: expect.stringMatching(reason) });
      expect(other).toMatchObject({
        status: "failed",
        error: expect.stringMatching(
          new RegExp(`^The thread running it ended: run [0-9a-f-]{36} \\(workflow ${workflow}\\)`),
        ),
      });
      expect(other.error).not.toContain(secret);
      const [after] = await settleAll([await start("noop", {})]);
      expect(after.status, `a run after ${workflow}`).toBe("success");
    }
    // A workflow with a heap limit of its own runs in threads of that limit: alone here.
    const [allocating] = await settleAll([await start("allocate_forever", {})]);
    expect(allocating).toMatchObject({
      status: "failed",
      error: expect.stringMatching(
        /^The thread running it ran out of memory \(its limit is 64 MB: raise memoryLimitMb/,
      ),
    });
    const [aborting] = await settleAll([await start("aborts", {})]);
    expect(aborting).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/process\.abort\(\) is not supported in workers/),
    });
    expect(w.child.exitCode).toBeNull();
    expect(w.output()).toMatch(/a workflow thread ended \(out of memory \(limit 64 MB\)\)/);
    expect(w.output()).not.toContain(secret);
  });

  it("a run that never yields ends `timeout` at its timeoutMs: its thread is stopped and replaced, and the worker goes on", async () => {
    const w = worker({ BIFROST_WORKER_THREADS: "1" }, ["--concurrency", "4"]);
    await w.waitFor(READY);
    const beside = await start("slow", { ms: 30_000 });
    await expect.poll(async () => (await admin("GET", `/api/executions/${beside}`)).body.status).toBe("running");
    const spinning = await start("spin_forever", {});
    const [spun, other] = await settleAll([spinning, beside]);
    expect(spun).toMatchObject({ status: "timeout", error: "Execution timed out after 500 ms" });
    expect(spun.durationMs).toBeLessThan(5_000);
    expect(other).toMatchObject({
      status: "failed",
      error: `The thread running it was stopped: run ${spinning} (workflow spin_forever) kept it busy past its timeout without yielding`,
    });
    const [after] = await settleAll([await start("noop", {})]);
    expect(after.status).toBe("success");
    expect(w.child.exitCode).toBeNull();
  });

  it("workflow code sees none of the worker's credentials in its environment", async () => {
    const w = worker();
    await w.waitFor(READY);
    const [run] = await settleAll([await start("environment_names", {})]);
    expect(run.status).toBe("success");
    expect(run.result).toContain("PATH");
    expect((run.result as string[]).filter((name) => /^(BIFROST_|DATABASE_URL$|REDIS_URL$|PG)/.test(name))).toEqual([]);
  });

  it("console output of workflow code goes to the run's logs, scrubbed, not to the worker's output", async () => {
    const secret = `console-${randomBytes(12).toString("hex")}`;
    expect([200, 201]).toContain(
      (await admin("PUT", "/api/configs/stray_secret", { type: "secret", value: secret })).status,
    );
    const w = worker();
    await w.waitFor(READY);
    const [run] = await settleAll([await start("console_writer", {})]);
    expect(run).toMatchObject({ status: "success", result: "returned" });
    expect(run.logs.map((l: { level: string; message: string }) => [l.level, l.message])).toEqual([
      ["info", "token [REDACTED]"],
      ["error", "{ nested: '[REDACTED]' }"],
      ["warn", "a plain warning"],
      ["info", "{ dir: '[REDACTED]' }"],
      ["info", "raw [REDACTED]"],
      ["info", "in pieces [REDACTED]"],
      ["info", `${"x".repeat(65_530)}[REDACTED] long`],
      // NULs shown as `\x00` (after scrubbing): PostgreSQL's text cannot hold one.
      ["info", "u\\x00t\\x00f\\x00-\\x001\\x006\\x00 \\x00[REDACTED]\\x00"],
      ["error", expect.stringContaining("Warning: warning about [REDACTED]")],
    ]);
    expect(w.output()).not.toContain(secret);
    expect(w.output()).not.toContain("a plain warning");
    expect(w.output()).not.toContain("Warning");
  });

  it("a secret in an object given to console is scrubbed, however long and in however many lines (a PEM key's)", async () => {
    const core = randomBytes(12).toString("hex");
    // Past the 10,000 characters util.inspect shows of a string, and in lines, which it would show as pieces joined by +.
    const secret = `-----BEGIN KEY-----\nlong-${core}\n${Array.from({ length: 190 }, () => "y".repeat(64)).join("\n")}\n-----END KEY-----\n`;
    expect([200, 201]).toContain(
      (await admin("PUT", "/api/configs/long_secret", { type: "secret", value: secret })).status,
    );
    const w = worker();
    await w.waitFor(READY);
    const [run] = await settleAll([await start("console_long_secret", {})]);
    expect(run).toMatchObject({ status: "success", result: "returned" });
    const messages: string[] = run.logs.map((l: { message: string }) => l.message);
    expect(messages.slice(0, 2)).toEqual(["{ secret: '[REDACTED]' }", "{ nested: { secret: '[REDACTED]' } }"]);
    expect(messages[2]).toContain("'[REDACTED]'");
    expect(messages).toHaveLength(3);
    for (const text of [...messages, w.output()]) expect(text).not.toContain(core);
  });

  it("a run's log stops at its limit, with a last line counting what was dropped", async () => {
    const w = worker();
    await w.waitFor(READY);
    const [run] = await settleAll([await start("console_flood", { lines: 12_000 })]);
    expect(run).toMatchObject({ status: "success", result: 12_000 });
    expect(run.logs).toHaveLength(10_000);
    expect(run.logs[9_998]).toMatchObject({ level: "info", message: "line 9999" });
    expect(run.logs[9_999]).toMatchObject({
      level: "warn",
      message: "The log reached its limit (10,000 lines or 1,000,000 characters a run): 2001 later lines were dropped",
    });
    expect(w.output()).not.toContain("line 1");
  });
});

describe("Redis unreachable", () => {
  let redis: ChildProcess | undefined;
  afterEach(() => {
    redis?.kill("SIGKILL");
  });

  it("start says so in one line, answers 503 QUEUE_UNAVAILABLE while serving configs, and recovers by itself", async () => {
    const redisPort = await unusedPort();
    const apiPort = await unusedPort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const platform = spawnCli(["start"], { env: t.env({ REDIS_URL: redisUrl, PORT: String(apiPort) }) });
    processes.push(platform);
    await platform.waitFor(/Bifrost API listening/);
    await platform.waitFor(READY);
    const url = `http://127.0.0.1:${apiPort}`;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });

    const refused = await call("POST", "/api/workflows/noop/executions");
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      code: "QUEUE_UNAVAILABLE",
      message: expect.stringContaining(redisUrl),
    });
    expect((await call("PUT", "/api/configs/while_redis_down", { type: "string", value: "ok" })).status).toBe(201);
    expect(((await (await call("GET", "/api/configs/while_redis_down")).json()) as { value: string }).value).toBe("ok");

    const unreachable = lines(platform.output()).filter((line) => line.includes("unreachable"));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toContain(`Redis at ${redisUrl} is unreachable (ECONNREFUSED)`);
    expect(unreachable[0]).toContain("REDIS_URL");

    redis = spawn(
      "redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    await platform.waitFor(/Redis is reachable again/, 20_000);
    await expect
      .poll(async () => (await call("POST", "/api/workflows/noop/executions?wait=10000")).status, {
        timeout: 20_000,
        interval: 500,
      })
      .toBe(200);

    redis.kill("SIGKILL");
    await expect
      .poll(async () => (await call("POST", "/api/workflows/noop/executions")).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(503);
  });
});
