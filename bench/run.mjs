#!/usr/bin/env node
// `npm run bench` (and `npm run bench:profile -- …`): runs the benchmarks from TypeScript sources
// (decorators need swc, see bin/bifrost.mjs).
await import("../src/workflows/loader/register.mjs");
const profile = process.argv[2] === "profile";
if (profile) process.argv.splice(2, 1);
await import(profile ? "./profile.ts" : "./main.ts");
