#!/usr/bin/env node
// `npm run docs:sdk` writes docs/sdk/ (the SDK reference) from sdk/'s TSDoc with TypeDoc
// (typedoc.json); `--check` (in `npm run lint`) regenerates it elsewhere and fails when the
// committed pages differ, so the reference cannot drift from the code it describes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "docs", "sdk");
const check = process.argv.includes("--check");
const out = check ? mkdtempSync(join(tmpdir(), "bifrost-sdk-docs-")) : committed;

function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

try {
  if (!check) rmSync(committed, { recursive: true, force: true });
  const typedoc = join(dirname(createRequire(import.meta.url).resolve("typedoc/package.json")), "bin", "typedoc");
  const run = spawnSync(process.execPath, [typedoc, "--out", out, "--logLevel", "Warn"], {
    stdio: "inherit",
    cwd: root,
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  if (check) {
    const want = files(out);
    let have = [];
    try {
      have = files(committed);
    } catch {
      // no docs/sdk at all: every page differs
    }
    const stale = [...new Set([...want, ...have])].filter(
      (file) =>
        !want.includes(file) ||
        !have.includes(file) ||
        readFileSync(join(out, file), "utf8") !== readFileSync(join(committed, file), "utf8"),
    );
    if (stale.length > 0) {
      console.error(`docs/sdk is out of date (${stale.join(", ")}): run \`npm run docs:sdk\` and commit it`);
      process.exitCode = 1;
    }
  }
} finally {
  if (check) rmSync(out, { recursive: true, force: true });
}
