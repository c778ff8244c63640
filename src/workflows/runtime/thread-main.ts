// A workflow thread's entry (started by src/workflows/workflow-thread.ts with the TypeScript hooks
// of src/workflows/loader/): loads the workflow files, then runs what the worker sends it. It holds
// no database, no Redis and no key: its environment has none of them (thread-env.ts).
import "reflect-metadata";
import { workerData, type MessagePort } from "node:worker_threads";
import type { FromThread, ToThread } from "../thread-protocol.ts";
import type { WorkflowSnapshot } from "../workflow-files.ts";
import { captureConsole } from "./run-console.ts";
import { handleThreadErrors } from "./thread-errors.ts";
import { loadWorkflows } from "./load-workflows.ts";
import { ThreadRuns } from "./thread-runs.ts";

/**
 * What a workflow thread starts with: its generation's files (the TypeScript hooks serve them too),
 * and the port it talks to the worker on. Not `parentPort`, which any workflow code can import:
 * this port is taken out of `workerData` before a workflow file loads, so only the platform's code
 * here holds it (run requests carry other users' per-user config).
 */
export interface ThreadData {
  snapshot: WorkflowSnapshot;
  port?: MessagePort;
}

const data = workerData as ThreadData;
const port = data.port!;
delete data.port;
const post = (message: FromThread) => port.postMessage(message);
// eslint-disable-next-line prefer-const -- assigned once the files load; read by the error handler set before
let runs: ThreadRuns | undefined;
handleThreadErrors(post, (log) => runs?.runOf(log));
captureConsole();

const loaded = await loadWorkflows(data.snapshot, (file) => post({ kind: "loading", file }));
runs = new ThreadRuns(loaded.definitions, post);
const thread = runs;
port.on("message", (message: ToThread) => {
  switch (message?.kind) {
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
