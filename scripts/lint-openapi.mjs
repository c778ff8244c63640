#!/usr/bin/env node
// `npm run lint:openapi`: writes the generated OpenAPI document to a temporary file and lints it
// with Redocly (rules and the reasons for each exception: redocly.yaml). Exit code: Redocly's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await import("../src/workflows/loader/register.mjs");
const { openApiDocument } = await import("../src/http/openapi/openapi-document.ts");

const dir = mkdtempSync(join(tmpdir(), "bifrost-openapi-"));
try {
  const file = join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(openApiDocument, null, 2));
  const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
  const lint = spawnSync(process.execPath, [cli, "lint", file, "--config", join(root, "redocly.yaml")], {
    stdio: "inherit",
    cwd: root,
  });
  process.exitCode = lint.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
