import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { runCli } from "./cli-runner.ts";

// Every execution says what asked for it (`trigger`) and which worker took it (`workerId`).

let t: TestPlatform;
let admin: Api;
beforeAll(async () => {
  t = await startTestPlatform({ worker: true });
  admin = t.api(t.adminToken);
});
afterAll(() => t?.close());

const run = (headers: Record<string, string> = {}) =>
  admin("POST", "/api/workflows/noop/executions?wait=10000", { params: {} }, headers);

describe("trigger and workerId", () => {
  it("a run through the API is `api`; the worker that took it is `<hostname>:<pid>`", async () => {
    const res = await run();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ trigger: "api", workerId: `${hostname()}:${process.pid}`, status: "success" });
    const listed = (await admin("GET", "/api/executions?workflow=noop")).body.find(
      (e: { id: string }) => e.id === res.body.id,
    );
    expect(listed).toMatchObject({ trigger: "api", workerId: `${hostname()}:${process.pid}` });
  });

  it("a pending run has no workerId yet", async () => {
    await t.worker!.close();
    t.worker = undefined;
    try {
      const res = await admin("POST", "/api/workflows/noop/executions", { params: {} });
      expect(res.body).toMatchObject({ status: "pending", trigger: "api", workerId: null });
    } finally {
      const { startWorker } = await import("../../workers/start-worker.ts");
      t.worker = await startWorker(t.platform, { catalog: t.server.catalog });
    }
  });

  it("the CLI and the console say who they are with Bifrost-Trigger; no caller can claim another trigger", async () => {
    expect((await run({ "Bifrost-Trigger": "console" })).body.trigger).toBe("console");
    expect((await run({ "Bifrost-Trigger": "cli" })).body.trigger).toBe("cli");
    for (const value of ["schedule", "webhook", "mcp", "api", "CLI", ""]) {
      const res = await run({ "Bifrost-Trigger": value });
      expect(res.status, value).toBe(400);
      expect(res.body.error.details.issues).toEqual([
        expect.objectContaining({
          path: "headers.bifrost-trigger",
          message: expect.stringContaining('"cli" or "console"'),
        }),
      ]);
    }
  });

  it("`bifrost run` runs with trigger `cli`", { timeout: 30_000 }, async () => {
    const result = await runCli(["run", "noop", "--json"], { env: t.env() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ trigger: "cli", status: "success" });
  });

  it("GET /api/executions?trigger= lists only the runs asked for that way", async () => {
    const consoleRun = (await run({ "Bifrost-Trigger": "console" })).body.id;
    const apiRun = (await run()).body.id;
    const consoleOnly = (await admin("GET", "/api/executions?trigger=console&limit=1000")).body;
    expect(consoleOnly.map((e: { id: string }) => e.id)).toContain(consoleRun);
    expect(consoleOnly.map((e: { id: string }) => e.id)).not.toContain(apiRun);
    expect(consoleOnly.every((e: { trigger: string }) => e.trigger === "console")).toBe(true);
    const bad = await admin("GET", "/api/executions?trigger=cron");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe("query.trigger");
  });
});
