// A workflow thread's entry (started by workers/workflow-thread.ts with the TypeScript hooks of
// src/workflows/loader/): loads the workflow files, then runs what the worker sends it. It holds
// no database, no Redis and no key: its environment has none of them (workers/thread-env.ts).
import "reflect-metadata";
import { parentPort, workerData } from "node:worker_threads";
import type { FromThread, ToThread } from "../thread-protocol.ts";
import type { WorkflowSnapshot } from "../workflow-files.ts";
import { captureConsole } from "./run-console.ts";
import { handleThreadErrors } from "./thread-errors.ts";
import { loadWorkflows } from "./load-workflows.ts";
import { ThreadRuns } from "./thread-runs.ts";

/** What a workflow thread starts with: its generation's files (the TypeScript hooks serve them too). */
export type ThreadData = WorkflowSnapshot;

const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);
let runs: ThreadRuns | undefined;
handleThreadErrors(post, (log) => runs?.runOf(log));
captureConsole();

const loaded = await loadWorkflows(workerData as ThreadData);
runs = new ThreadRuns(loaded.definitions, post);
const thread = runs;
port.on("message", (message: ToThread) => {
  switch (message.kind) {
    case "run":
      void thread.start(message.request);
      break;
    case "abort":
      thread.abort(message.runId, message.reason);
      break;
    case "validate":
      post({ kind: "validated", id: message.id, error: thread.validate(message.workflow, message.params) });
      break;
    case "config-reply":
      thread.reply(message);
      break;
  }
});
post({ kind: "loaded", workflows: loaded.infos, errors: loaded.errors });
