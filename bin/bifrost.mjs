#!/usr/bin/env node
// Runs the TypeScript sources directly: swc-node keeps decorator metadata (tsyringe needs it; tsx
// and esbuild drop it) and lets users' workflow files load with no build step.
import { register } from "node:module";
import { fileURLToPath } from "node:url";

process.env.SWC_NODE_PROJECT ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
register("@swc-node/register/esm", import.meta.url);
await import("../src/cli/main.ts");
