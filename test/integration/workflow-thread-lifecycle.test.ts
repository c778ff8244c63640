import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { WorkflowThread } from "../../src/workflows/workflow-thread.ts";

// Alone in its file (a process of its own): the first workflow thread of the process ends before
// the next one starts. Each loads the TypeScript compiler's native addon; when the last thread that
// had it ended, the next one to load it crashed the whole process (SIGSEGV).

const examples = fileURLToPath(new URL("../../examples/workflows/", import.meta.url));

it("starts a workflow thread after the process's only one ended, and again", async () => {
  for (let i = 0; i < 3; i++) {
    const thread = new WorkflowThread(128, [examples]);
    expect((await thread.loaded).workflows.map((w) => w.name).sort()).toEqual(["charge_card", "greet", "user_report"]);
    await thread.stop("next one");
  }
});
