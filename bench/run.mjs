#!/usr/bin/env node
// `npm run bench` (and `npm run bench:profile -- …`): runs the benchmarks from TypeScript sources
// (decorators need swc, see bin/bifrost.mjs).
import { register } from "node:module";
import { fileURLToPath } from "node:url";

process.env.SWC_NODE_PROJECT ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
register("@swc-node/register/esm", import.meta.url);
const profile = process.argv[2] === "profile";
if (profile) process.argv.splice(2, 1);
await import(profile ? "./profile.ts" : "./main.ts");
