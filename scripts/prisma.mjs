#!/usr/bin/env node
// Prisma's `provider` is a literal, so SQLite and PostgreSQL need two generated clients. This script
// keeps prisma/schema.prisma the single source: it derives the PostgreSQL schema from it and runs
// the Prisma CLI offline (no engine download: see ../shared/ENVIRONMENT.md).
//
//   node scripts/prisma.mjs generate          generate both clients (runs on postinstall)
//   node scripts/prisma.mjs migration <name>  write prisma/migrations/{sqlite,postgresql}/<ts>_<name>
//   node scripts/prisma.mjs check             fail if the migrations do not produce the schema
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "prisma/schema.prisma");
const derivedDir = join(root, "prisma/.derived");
const migrationsDir = join(root, "prisma/migrations");
const snapshot = join(migrationsDir, "schema-at-last-migration.prisma");
const providers = ["sqlite", "postgresql"];
const prismaBin = join(root, "node_modules/prisma/build/index.js");

const offlineEnv = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false",
  PRISMA_QUERY_ENGINE_LIBRARY: prismaBin,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

/** The schema text for one provider, derived from the source text. */
function schemaFor(text, provider) {
  if (provider === "sqlite") return text;
  const derived = text
    .replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`)
    .replace(/url\s*=\s*"file:[^"]*"/, `url = env("DATABASE_URL")`)
    .replace(/generated\/sqlite"/, `generated/${provider}"`);
  if (derived.includes('"sqlite"')) throw new Error("could not derive the PostgreSQL schema");
  return `// DERIVED from prisma/schema.prisma by scripts/prisma.mjs. Do not edit.\n${derived}`;
}

function writeDerived(text, name) {
  mkdirSync(derivedDir, { recursive: true });
  const paths = {};
  for (const provider of providers) {
    const path = join(derivedDir, `${name}.${provider}.prisma`);
    // Keep the generator output path relative to prisma/, like the source.
    writeFileSync(path, schemaFor(text, provider).replaceAll('"../src/', '"../../src/'));
    paths[provider] = path;
  }
  return paths;
}

function prisma(args) {
  return execFileSync(process.execPath, [prismaBin, ...args], {
    cwd: root,
    env: offlineEnv,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
}

function generate() {
  const paths = writeDerived(readFileSync(source, "utf8"), "current");
  for (const provider of providers) prisma(["generate", "--schema", paths[provider]]);
}

function diffSql(fromText, toText, provider) {
  const to = writeDerived(toText, "to")[provider];
  const from =
    fromText === null ? ["--from-empty"] : ["--from-schema-datamodel", writeDerived(fromText, "from")[provider]];
  return prisma(["migrate", "diff", ...from, "--to-schema-datamodel", to, "--script"]);
}

function migration(name) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: migration <name> (lowercase, digits, _)");
  const current = readFileSync(source, "utf8");
  const previous = existsSync(snapshot) ? readFileSync(snapshot, "utf8") : null;
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  for (const provider of providers) {
    const sql = diffSql(previous, current, provider);
    if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) throw new Error("the schema has not changed since the last migration");
    const dir = join(migrationsDir, provider, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    writeFileSync(join(migrationsDir, provider, "migration_lock.toml"), `provider = "${provider}"\n`);
    process.stdout.write(`wrote ${dir}/migration.sql\n`);
  }
  copyFileSync(source, snapshot);
}

function check() {
  // The snapshot is what the migrations produce; it must equal the source schema.
  const current = readFileSync(source, "utf8");
  const previous = existsSync(snapshot) ? readFileSync(snapshot, "utf8") : null;
  if (previous !== current) {
    throw new Error("prisma/schema.prisma changed since the last migration: run `npm run db:migration -- <name>`");
  }
  for (const provider of providers) {
    if (!existsSync(join(migrationsDir, provider)) || readdirSync(join(migrationsDir, provider)).length === 0) {
      throw new Error(`no ${provider} migrations`);
    }
  }
}

const [command, arg] = process.argv.slice(2);
try {
  if (command === "generate") generate();
  else if (command === "migration") migration(arg);
  else if (command === "check") check();
  else throw new Error("usage: node scripts/prisma.mjs generate | migration <name> | check");
} catch (error) {
  process.stderr.write(`prisma: ${error.message}\n`);
  process.exit(1);
}
