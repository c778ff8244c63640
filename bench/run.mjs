#!/usr/bin/env node
// `npm run bench`: runs the benchmarks from TypeScript sources (decorators need swc, see bin/bifrost.mjs).
import { register } from "node:module";
import { fileURLToPath } from "node:url";

process.env.SWC_NODE_PROJECT ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
register("@swc-node/register/esm", import.meta.url);
await import("./main.ts");
