#!/usr/bin/env node
// `npm run bench` (and `npm run bench:profile -- …`): runs the benchmarks from TypeScript sources
// (decorators need swc, see bin/bifrost.mjs).
await import("../src/workflows/loader/register.mjs");
const part = process.argv[2];
if (part === "profile" || part === "mcp") process.argv.splice(2, 1);
await import(part === "profile" ? "./profile.ts" : part === "mcp" ? "./mcp-only.ts" : "./main.ts");
