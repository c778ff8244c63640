import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stalledIntervalFor } from "../../workers/execution-worker.ts";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";
import { spawnCli, type CliProcess } from "./cli-runner.ts";

// A worker SIGKILLed mid-run: another worker takes the run back within the lock plus one stalled
// check (workers/execution-worker.ts, stalledIntervalFor), not two lock periods.

const LOCK_MS = 2_000;
let t: TestPlatform;
let admin: Api;
const processes: CliProcess[] = [];
beforeAll(async () => {
  t = await startTestPlatform({ workerLockMs: LOCK_MS });
  admin = t.api(t.adminToken);
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await t?.close();
});
function worker(): CliProcess {
  const p = spawnCli(["worker"], { env: t.env() });
  processes.push(p);
  return p;
}
const starts = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

describe("takeover after a worker dies", () => {
  it("a second worker takes a killed worker's run back within BIFROST_WORKER_LOCK_MS plus one stalled check", async () => {
    const doomed = worker();
    await doomed.waitFor(/taking executions/);
    const file = join(t.db.dir, `takeover-${randomBytes(4).toString("hex")}.log`);
    const runs = await Promise.all(
      Array.from(
        { length: 3 },
        async () =>
          (await admin("POST", "/api/workflows/slow_retried/executions", { params: { ms: 60_000, file } })).body
            .id as string,
      ),
    );
    await expect.poll(() => starts(file).length, { timeout: 15_000, interval: 20 }).toBe(3);
    const survivor = worker();
    await survivor.waitFor(/taking executions/);

    await doomed.stop("SIGKILL");
    const killedAt = Date.now();
    await expect.poll(() => starts(file).length, { timeout: 4 * LOCK_MS, interval: 20 }).toBe(6);
    const takenAfterMs = Date.now() - killedAt;
    // The lock (renewed every half of it, so it expires at most LOCK_MS after the kill), one
    // check, and a moment for the claim and the thread.
    expect(takenAfterMs).toBeLessThan(LOCK_MS + stalledIntervalFor(LOCK_MS) + 1_000);
    console.log(
      `takeover: runs taken back ${takenAfterMs} ms after SIGKILL (lock ${LOCK_MS} ms, stalled check every ${stalledIntervalFor(LOCK_MS)} ms)`,
    );
    const taken = starts(file)
      .slice(3)
      .map((line) => line.split(" "));
    expect(taken.map(([id]) => id).sort()).toEqual([...runs].sort());
    expect(new Set(taken.map(([, pid]) => pid))).toEqual(new Set([String(survivor.child.pid)]));
    await Promise.all(runs.map((id) => admin("POST", `/api/executions/${id}/cancel`)));
  }, 60_000);
});
