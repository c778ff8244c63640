#!/usr/bin/env node
// Runs the TypeScript sources directly, through the same swc hooks the workflow threads use
// (src/workflows/loader/): decorator metadata kept (tsyringe needs it; tsx and esbuild drop it),
// and no build step. The CLI (src/) and the worker (workers/) meet here, so src/ never imports
// workers/.
await import("../src/workflows/loader/register.mjs");
const { runCli } = await import("../src/cli/main.ts");
await runCli({
  startWorker: async (platform, options) => (await import("../workers/start-worker.ts")).startWorker(platform, options),
});
