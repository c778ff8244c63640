// Makes the Prisma CLI use its WASM schema engine (engine: "js"), so `generate` and
// `migrate diff` work without downloading engine binaries. The adapter is only a placeholder
// for the CLI: diffs run schema-to-schema and never connect. Runtime connections are made by
// src/storage/database.ts.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  adapter: async () => new PrismaBetterSQLite3({ url: `file:${join(tmpdir(), "bifrost-prisma-cli.db")}` }),
});
