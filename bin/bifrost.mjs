#!/usr/bin/env node
// Runs the TypeScript sources directly, through the same swc hooks the workflow threads use
// (src/workflows/loader/): decorator metadata kept (tsyringe needs it; tsx and esbuild drop it),
// and no build step.
await import("../src/workflows/loader/register.mjs");
await import("../src/cli/main.ts");
