// `--import` this (bin/bifrost.mjs, a workflow thread's execArgv): registers typescript-hooks.mjs
// before anything TypeScript loads. In a workflow thread, the hooks serve its generation's files.
import { register } from "node:module";
import { isMainThread, workerData } from "node:worker_threads";

register("./typescript-hooks.mjs", {
  parentURL: import.meta.url,
  data: { sources: isMainThread ? null : (workerData?.snapshot?.sources ?? null) },
});
process.setSourceMapsEnabled(true);
