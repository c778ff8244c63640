import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_SCOPE, orgScope, scopeId, type Scope } from "../../src/orgs/index.ts";
import { loadWorkflowCatalog, type WorkflowCatalog } from "../../src/workflows/index.ts";
import { ExecutionRunner } from "../../workers/execution-runner.ts";
import { ThreadPool } from "../../workers/thread-pool.ts";
import { startTestPlatform, type TestPlatform } from "../support/test-platform.ts";

// Runs that share one thread (the pool has one): what one run's code does must not reach another's
// data, hold up the pool, or run after the worker ended it.

const fixtures = fileURLToPath(new URL("../fixtures/workflows-shared-thread/", import.meta.url));
const ORG_SECRET = "sk_live_shared_thread_7f6e5d4c";
const USER_TOKEN = "user-token-shared-thread-0a1b2c";

let t: TestPlatform;
let catalog: WorkflowCatalog;
let acme: Scope;
let globex: Scope;
const scratch = mkdtempSync(join(tmpdir(), "bifrost-shared-thread-"));
beforeAll(async () => {
  t = await startTestPlatform();
  catalog = await loadWorkflowCatalog(fixtures);
  acme = orgScope(await t.platform.orgs.create("shared-acme", "test"));
  globex = orgScope(await t.platform.orgs.create("shared-globex", "test"));
  await t.platform.configs.set(acme, "cached_secret", { type: "secret", value: ORG_SECRET }, "test");
});
afterAll(async () => {
  await catalog?.close();
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function onePool() {
  const pool = new ThreadPool({
    snapshot: catalog.snapshot,
    threads: 1,
    runsPerThread: 10,
    memoryLimitMb: 256,
    logger: t.platform.logger,
  });
  const runner = new ExecutionRunner(t.platform.configs, t.platform.orgs, () => pool);
  const run = async (
    name: string,
    options: { scope?: Scope; params?: unknown; userConfig?: Record<string, string>; cancelSignal?: AbortSignal } = {},
  ) => {
    const outcome = await runner.run({
      executionId: `exec-${name}-${Math.random().toString(36).slice(2)}`,
      definition: catalog.get(name)!,
      prepared: await runner.prepare(scopeId(options.scope ?? GLOBAL_SCOPE)),
      params: options.params ?? {},
      userConfig: options.userConfig ?? {},
      cancelSignal: options.cancelSignal,
    });
    return { ...outcome, result: outcome.result === null ? null : JSON.parse(outcome.result) };
  };
  return { pool, run };
}

describe("runs sharing a thread", () => {
  it("do not hear each other's messages on parentPort, nor find the platform's port", async () => {
    const { pool, run } = onePool();
    try {
      await run("cached_values", { userConfig: { user_token: USER_TOKEN } });
      const { result } = await run("eavesdrop");
      expect(result).toEqual({ heard: "[]", workerData: '["snapshot"]' });
    } finally {
      await pool.close();
    }
  });

  it("scrub what one run's code kept in module state from the next run's output, in another org", async () => {
    const { pool, run } = onePool();
    try {
      expect((await run("cache_values", { scope: acme, userConfig: { user_token: USER_TOKEN } })).status).toBe(
        "success",
      );
      const later = await run("cached_values", { scope: globex });
      expect(later.result).toEqual({ cached: "[REDACTED] [REDACTED]" });
      expect(later.logs.map((entry) => entry.message)).toEqual(["cached: [REDACTED] [REDACTED]"]);
      expect(JSON.stringify(later)).not.toContain(ORG_SECRET);
      expect(JSON.stringify(later)).not.toContain(USER_TOKEN);
    } finally {
      await pool.close();
    }
  });

  it("let a pool drain when a run the worker ended goes on in its thread", async () => {
    const { pool, run } = onePool();
    expect((await run("stubborn")).status).toBe("timeout");
    // Before: the thread counted the stubborn run for ever, and the drain waited for it.
    await pool.drain();
    expect(pool.threads()).toEqual([]);
  });

  it("never start a run cancelled while its thread was still loading", async () => {
    const { pool, run } = onePool();
    try {
      const file = join(scratch, "cancelled-mark");
      const cancel = new AbortController();
      const cancelled = run("mark", { params: { file }, cancelSignal: cancel.signal });
      cancel.abort();
      expect((await cancelled).status).toBe("cancelled");
      // A run after it on the same thread: had the cancelled one been sent, it would have run first.
      expect((await run("mark", { params: { file: join(scratch, "later-mark") } })).status).toBe("success");
      expect(existsSync(file)).toBe(false);
    } finally {
      await pool.close();
    }
  });
});
