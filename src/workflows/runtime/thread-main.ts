// A workflow thread's entry (started by workers/workflow-thread.ts with the TypeScript hooks of
// src/workflows/loader/): loads the workflow files, then runs what the worker sends it. It holds
// no database, no Redis and no key: its environment has none of them (workers/thread-env.ts).
import "reflect-metadata";
import { parentPort, workerData } from "node:worker_threads";
import type { FromThread, ToThread } from "../thread-protocol.ts";
import { captureConsole } from "./run-console.ts";
import { handleThreadErrors } from "./thread-errors.ts";
import { loadWorkflows } from "./load-workflows.ts";
import { ThreadRuns } from "./thread-runs.ts";

export interface ThreadData {
  /** The workflow folders, in order. */
  dirs: string[];
}

const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);
let runs: ThreadRuns | undefined;
handleThreadErrors(post, (log) => runs?.runOf(log));
captureConsole();

const { dirs } = workerData as ThreadData;
const loaded = await loadWorkflows(dirs);
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
