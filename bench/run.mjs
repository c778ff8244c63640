#!/usr/bin/env node
// `npm run bench` (and `npm run bench:profile -- …`): runs the benchmarks from TypeScript sources
// (decorators need swc, see bin/bifrost.mjs).
await import("../src/workflows/loader/register.mjs");
const part = process.argv[2];
const parts = { profile: "./profile.ts", mcp: "./mcp-only.ts", scale: "./scale-only.ts", stores: "./stores-only.ts" };
const known = Object.hasOwn(parts, part ?? "");
if (known) process.argv.splice(2, 1);
await import(known ? parts[part] : "./main.ts");
