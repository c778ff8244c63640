import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Logger } from "../../src/logging/logger.ts";
import { loadWorkflowCatalog } from "../../src/workflows/index.ts";
import { readSnapshot } from "../../src/workflows/workflow-files.ts";
import { WorkflowThread } from "../../src/workflows/workflow-thread.ts";
import { ThreadPool } from "../../workers/thread-pool.ts";

// Workflow files that fight their load: one that ends its thread, one whose import never settles,
// schemas that throw or loop. The catalog leaves such a file out and says why; the process, the
// other files and later reloads go on. No database here: these run in one project only.

const root = mkdtempSync(join(tmpdir(), "bifrost-load-faults-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
function folder(files: Record<string, string>): string {
  const dir = join(root, String(++folders));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  return dir;
}
function write(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, name, ".."), { recursive: true });
  writeFileSync(join(dir, name), text);
}
const workflowFile = (name: string, extra = "") => `import { z } from "zod";
import { workflow } from "bifrost-ts/sdk";
${extra}
export class W { @workflow({ name: "${name}", params: z.object({ n: z.number() }) }) async run() { return "${name}"; } }
`;

describe.runIf(process.env.BIFROST_TEST_DB !== "postgresql")("loading workflow files that fight back", () => {
  it("leaves out a file whose import ends the thread, at start and on reload, and keeps its last good version", async () => {
    const dir = folder({ "a.ts": workflowFile("a_one"), "b.ts": "process.exit(0);\n" });
    const catalog = await loadWorkflowCatalog(dir);
    try {
      expect(catalog.list().map((w) => w.name)).toEqual(["a_one"]);
      expect(catalog.errors).toEqual([
        { file: "b.ts", line: null, message: "left out: importing it ended the thread (process.exit(0))" },
      ]);

      write(dir, "b.ts", workflowFile("b_one"));
      expect(await catalog.reload()).toBe(true);
      expect(catalog.list().map((w) => w.name)).toEqual(["a_one", "b_one"]);

      // Broken again: the last good version keeps running, and the catalog says so.
      write(dir, "b.ts", `${workflowFile("b_one")}\nprocess.exit(3);\n`);
      expect(await catalog.reload()).toBe(true);
      expect(catalog.list().map((w) => w.name)).toEqual(["a_one", "b_one"]);
      expect(catalog.errors).toEqual([
        {
          file: "b.ts",
          line: null,
          message: "left out: importing it ended the thread (process.exit(3)) (its last good version keeps running)",
        },
      ]);
      expect(Object.values(catalog.snapshot.sources).some((text) => text.includes("process.exit"))).toBe(false);
    } finally {
      await catalog.close();
    }
  });

  it("leaves out a file whose import never settles, naming the wait", async () => {
    const dir = folder({
      "a.ts": workflowFile("a_two"),
      // waits for a service that never answers (the interval keeps the thread's loop busy meanwhile)
      "b.ts": "await new Promise(() => setInterval(() => {}, 1_000));\n",
      "c.ts": workflowFile("c_two"),
      // waits for nothing that could ever settle: the thread's loop runs dry
      "d.ts": "await new Promise(() => {});\n",
    });
    const catalog = await loadWorkflowCatalog(dir, { fileTimeoutMs: 2_000 });
    try {
      expect(catalog.list().map((w) => w.name)).toEqual(["a_two", "c_two"]);
      expect(catalog.errors).toEqual([
        {
          file: "b.ts",
          line: null,
          message: "left out: its import did not finish within 2 s (a top-level await that never settles?)",
        },
        {
          file: "d.ts",
          line: null,
          message: "left out: importing it ended the thread (a top-level await that nothing could settle any more)",
        },
      ]);
    } finally {
      await catalog.close();
    }
  });

  it("keeps the last good version of the right file when two folders hold files of one name", async () => {
    const first = folder({ "shared.ts": workflowFile("first_shared") });
    const second = folder({ "shared.ts": workflowFile("second_shared") });
    const catalog = await loadWorkflowCatalog([first, second]);
    try {
      write(second, "shared.ts", "throw new Error('broken on purpose');\n");
      await catalog.reload();
      expect(catalog.list().map((w) => w.name)).toEqual(["first_shared", "second_shared"]);
      expect(catalog.errors).toEqual([
        { file: "shared.ts", line: 1, message: "broken on purpose (its last good version keeps running)" },
      ]);
      expect(catalog.snapshot.sources[join(second, "shared.ts")]).toContain("second_shared");
      expect(catalog.snapshot.sources[join(first, "shared.ts")]).toContain("first_shared");
    } finally {
      await catalog.close();
    }
  });

  it("answers a params check whose schema throws or never ends with a ValidationError, and goes on checking", async () => {
    const dir = folder({
      "a.ts": `import { z } from "zod";
import { workflow } from "bifrost-ts/sdk";
export class W {
  @workflow({ name: "throws_in_refine", params: z.object({ n: z.number() }).refine(() => { throw new Error("refine blew up"); }) }) async a() { return 1; }
  @workflow({ name: "loops_in_refine", params: z.object({ n: z.number() }).refine((p) => { while (p.n > 0) {} return true; }) }) async b() { return 1; }
  @workflow({ name: "plain", params: z.object({ n: z.number() }) }) async c() { return 1; }
}
`,
    });
    const catalog = await loadWorkflowCatalog(dir, { validateTimeoutMs: 1_000 });
    try {
      await expect(catalog.validateParams("throws_in_refine", { n: 1 })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
        message: "body.params: could not be checked: the workflow's params schema threw (refine blew up)",
      });
      await expect(catalog.validateParams("loops_in_refine", { n: 1 })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
        message: "body.params: could not be checked: the workflow's params schema did not finish within 1 s",
      });
      await expect(catalog.validateParams("plain", { n: "one" })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      await expect(catalog.validateParams("plain", { n: 1 })).resolves.toBeUndefined();
    } finally {
      await catalog.close();
    }
  });

  it("starts threads that keep ending soon after their start again less and less often", async () => {
    const dir = folder({
      "a.ts": `${workflowFile("a_timer")}\nsetTimeout(() => { throw new Error("boom from a timer at load"); }, 20);\n`,
    });
    const warnings: string[] = [];
    const logger = {
      warn: (_fields: object, message: string) => warnings.push(message),
      info() {},
      error() {},
      debug() {},
    } as unknown as Logger;
    const pool = new ThreadPool({
      snapshot: readSnapshot([dir]),
      threads: 2,
      runsPerThread: 1,
      memoryLimitMb: 128,
      logger,
    });
    try {
      await pool.start();
      await expect.poll(() => warnings.length, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(4);
      expect(warnings[0]).toMatch(
        /^a workflow thread ended \(an error nothing caught\); the runs it held failed, saying why, another starts in 0\.25 s$/,
      );
      expect(warnings[3]).toMatch(/another starts in 2 s$/);
    } finally {
      await pool.close();
    }
  });

  it("runs a generation's own code in a thread started later, whatever the disk holds by then", async () => {
    const dir = folder({
      "package.json": '{ "type": "module" }',
      "w.ts": `import { workflow } from "bifrost-ts/sdk";
import { version } from "./helper.js";
import { extra } from "./extra.ts";
export class W { @workflow({ name: "w_version" }) async run() { return { version, extra }; } }
`,
      "helper.js": "export const version = 1;\n",
      "extra.ts": "export const extra = 'kept';\n",
    });
    const snapshot = readSnapshot([dir]);
    // After the generation was read: a JavaScript file changed, and the workflow file and a helper deleted.
    write(dir, "helper.js", "export const version = 99;\n");
    unlinkSync(join(dir, "w.ts"));
    unlinkSync(join(dir, "extra.ts"));
    const thread = new WorkflowThread(128, snapshot);
    try {
      expect((await thread.loaded).workflows.map((w) => w.name)).toEqual(["w_version"]);
      const run = await thread.run(
        { runId: "r1", workflow: "w_version", params: {}, executionId: "e1", org: null, userConfig: {} },
        { onLogs() {}, onConfig: async () => undefined },
      );
      expect(JSON.parse((run.end as { result: string }).result)).toEqual({ version: 1, extra: "kept" });
    } finally {
      await thread.stop("done");
    }
  });
});
