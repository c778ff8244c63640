import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPlatform, type Api, type TestPlatform } from "../support/test-platform.ts";

// An author's folder outside the platform's tree, with no node_modules of its own: its imports of
// the SDK and zod resolve to the platform's copies; it loads, runs, reloads as it changes, and its
// stack traces name its own lines.

const folder = mkdtempSync(join(tmpdir(), "bifrost-author-"));
const file = join(folder, "hello.ts");

/** hello.ts at `version`, with `extra` lines of source before the workflows (to move their lines). */
const helloSource = (version: number, extra = "") => `import { z } from "zod";
import { workflow, type ExecutionContext } from "bifrost-ts/sdk";
${extra}
export class Hello {
  @workflow({ name: "hello", params: z.object({ name: z.string() }) })
  async hello(_ctx: ExecutionContext, { name }: { name: string }) {
    return { greeting: \`hello \${name}\`, version: ${version} };
  }

  @workflow({ name: "hello_slow", params: z.object({ ms: z.number() }) })
  async slow(ctx: ExecutionContext, { ms }: { ms: number }) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { version: ${version} };
  }

  @workflow({ name: "hello_throws" })
  async throws() {
    throw new Error("thrown on purpose");
  }
}
`;

let t: TestPlatform;
let admin: Api;
beforeAll(async () => {
  writeFileSync(file, helloSource(1));
  t = await startTestPlatform({ worker: true, workflowsDir: folder, workflowsWatchMs: 100 });
  admin = t.api(t.adminToken);
});
afterAll(async () => {
  await t?.close();
  rmSync(folder, { recursive: true, force: true });
});

const run = async (workflow: string, params: unknown = {}) =>
  (await admin("POST", `/api/workflows/${workflow}/executions?wait=20000`, { params })).body;
const listed = async () =>
  (await admin("GET", "/api/workflows")).body as {
    workflows: { name: string }[];
    errors: { file: string; line: number | null; message: string }[];
  };

describe("workflows in the author's own folder", () => {
  it("load with the platform's SDK and zod, and run", async () => {
    expect((await listed()).workflows.map((w) => w.name)).toEqual(["hello", "hello_slow", "hello_throws"]);
    expect(await run("hello", { name: "Ada" })).toMatchObject({
      status: "success",
      result: { greeting: "hello Ada", version: 1 },
    });
  });

  it("name the file's own lines in a stored error's stack", async () => {
    const failed = await run("hello_throws");
    expect(failed.status).toBe("failed");
    const line =
      helloSource(1)
        .split("\n")
        .findIndex((text) => text.includes("thrown on purpose")) + 1;
    expect(failed.error).toContain(`${file}:${line}:`);
  });

  it("reload when a file changes: new runs use the new code, a run in flight finishes on the code it started with", async () => {
    const inFlight = admin("POST", "/api/workflows/hello_slow/executions?wait=20000", { params: { ms: 1_500 } });
    await expect
      .poll(
        async () =>
          ((await admin("GET", "/api/executions?workflow=hello_slow")).body as { status: string }[])[0]?.status,
      )
      .toBe("running");
    writeFileSync(file, helloSource(2));
    await expect
      .poll(async () => (await run("hello", { name: "Ada" })).result?.version, { timeout: 5_000, interval: 100 })
      .toBe(2);
    expect((await inFlight).body).toMatchObject({ status: "success", result: { version: 1 } });
  });

  it("keep the last good version of a file that no longer loads, and report where it failed", async () => {
    const broken = helloSource(3, "\nconst half = ;\n");
    writeFileSync(file, broken);
    const line = broken.split("\n").findIndex((text) => text.includes("const half")) + 1;
    await expect
      .poll(async () => (await listed()).errors, { timeout: 5_000, interval: 100 })
      .toEqual([
        { file: "hello.ts", line, message: expect.stringMatching(/\(its last good version keeps running\)$/) },
      ]);
    expect(await run("hello", { name: "Ada" })).toMatchObject({ status: "success", result: { version: 2 } });
  });

  it("run a workflow the moment the catalog lists it, while the worker's new threads still load it", async () => {
    const added = join(folder, "added.ts");
    writeFileSync(
      added,
      `import { workflow } from "bifrost-ts/sdk";\nexport class Added { @workflow({ name: "just_added" }) async run() { return "new"; } }\n`,
    );
    try {
      while (!t.server.catalog.get("just_added")) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await run("just_added")).toMatchObject({ status: "success", result: "new" });
    } finally {
      unlinkSync(added);
    }
  });

  it("drop the workflows of a deleted file", async () => {
    unlinkSync(file);
    await expect.poll(async () => (await listed()).workflows, { timeout: 5_000, interval: 100 }).toEqual([]);
    expect((await admin("POST", "/api/workflows/hello/executions", { params: { name: "Ada" } })).status).toBe(404);
  });
});
