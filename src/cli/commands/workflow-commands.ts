import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { SessionView } from "../../auth/session-view.ts";
import type { ConfigType } from "../../configs/config-type.ts";
import type { ConfigView } from "../../configs/config-view.ts";
import type { OrgView } from "../../orgs/org-view.ts";
import type { WorkflowList } from "../../workflows/workflow-view.ts";
import { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { printJson, printTable } from "../output.ts";

const TYPESCRIPT_HOOKS = fileURLToPath(new URL("../../workflows/loader/register.mjs", import.meta.url));

/** `bifrost workflows list|check|test`, `bifrost init <dir>` and `bifrost types`: the workflow author's commands. */
export function registerWorkflowCommands(program: Command): void {
  const workflows = program
    .command("workflows")
    .description("workflows: list what runs, check and test an author's folder");

  workflows
    .command("list")
    .description("the workflows the API can run, and the files that failed to load (through the API)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const listed = await new ApiClient().request<WorkflowList>("GET", "/api/workflows");
      if (options.json) return printJson(listed);
      printTable(
        listed.workflows.map((w) => ({
          name: w.name,
          description: w.description ?? "",
          secrets: w.secrets.join(", "),
          tool: w.tool ? "yes" : "",
          file: w.file,
        })),
        "(no workflows)",
      );
      for (const error of listed.errors)
        process.stdout.write(`not loaded: ${error.file}${error.line ? `:${error.line}` : ""}: ${error.message}\n`);
    });

  workflows
    .command("check [dirs...]")
    .description(
      "load and type-check workflow folders (default: BIFROST_WORKFLOWS_DIR); one `file:line:col message` line per problem",
    )
    .option("--json", "print {workflows, problems} as JSON")
    .action(async (dirs: string[], options: { json?: boolean }) => {
      const folders = await foldersOr(dirs);
      const { loadWorkflowCatalog } = await import("../../workflows/workflow-catalog.ts");
      const { typeCheck } = await import("../../workflows/type-check.ts");
      const catalog = await loadWorkflowCatalog(folders);
      const problems: string[] = [];
      try {
        for (const error of catalog.errors) {
          const dir = folders.find((folder) => existsSync(join(folder, error.file))) ?? folders[0];
          problems.push(`${relative(process.cwd(), join(dir, error.file))}:${error.line ?? 1}:1 ${error.message}`);
        }
      } finally {
        await catalog.close();
      }
      for (const problem of typeCheck(folders.flatMap(typeScriptFiles)))
        problems.push(`${problem.file}:${problem.line}:${problem.column} ${problem.message}`);
      const loaded = catalog.list().map((w) => w.name);
      if (options.json) printJson({ workflows: loaded, problems });
      else for (const problem of problems) process.stdout.write(`${problem}\n`);
      if (problems.length > 0)
        throw new CliError(`${problems.length} problem${problems.length === 1 ? "" : "s"} in ${folders.join(", ")}`);
      if (!options.json)
        process.stdout.write(`${loaded.length} workflow(s) load and type-check in ${folders.join(", ")}\n`);
    });

  workflows
    .command("test [dirs...]")
    .description("run the *.test.ts files of workflow folders with node's test runner (default: BIFROST_WORKFLOWS_DIR)")
    .action(async (dirs: string[]) => {
      const folders = await foldersOr(dirs);
      const tests = folders.flatMap(typeScriptFiles).filter((file) => file.endsWith(".test.ts"));
      if (tests.length === 0) throw new CliError(`no *.test.ts files in ${folders.join(", ")}`);
      const ran = spawnSync(process.execPath, ["--import", TYPESCRIPT_HOOKS, "--test", ...tests], { stdio: "inherit" });
      if (ran.status !== 0)
        throw new CliError(`tests failed (${tests.length} file${tests.length === 1 ? "" : "s"})`, ran.status ?? 1);
    });

  program
    .command("init <dir>")
    .description("write a starter workflow folder: a workflow, its unit test and a tsconfig")
    .option("--json", "print the files written as JSON")
    .action(async (dir: string, options: { json?: boolean }) => {
      const { starterFiles } = await import("../../workflows/starter-files.ts");
      const files = starterFiles();
      const taken = Object.keys(files).filter((name) => existsSync(join(dir, name)));
      if (taken.length > 0)
        throw new CliError(`${dir} already has ${taken.join(", ")}: init writes only into a folder without them`, 2);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      if (options.json) return printJson({ dir: resolve(dir), files: Object.keys(files) });
      process.stdout.write(
        `wrote ${Object.keys(files).join(", ")} in ${dir}\n` +
          `next: bifrost workflows check ${dir} && bifrost workflows test ${dir}\n` +
          `then run it: BIFROST_WORKFLOWS_DIR=${resolve(dir)} bifrost start\n`,
      );
    });

  program
    .command("types")
    .description(
      "write TypeScript declarations of the config store's keys and types (through the API): config.get is then typed",
    )
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(async (options: { output?: string }) => {
      const { configDeclarations } = await import("../../configs/config-declarations.ts");
      const client = new ApiClient();
      const text = configDeclarations(await storeConfigs(client), client.baseUrl);
      if (!options.output) return void process.stdout.write(text);
      writeFileSync(options.output, text);
      process.stdout.write(`wrote ${options.output}\n`);
    });
}

/** Every config the token may see: for an admin, every scope's rows; for an org token, its org's effective view (globals included). */
async function storeConfigs(client: ApiClient): Promise<{ key: string; type: ConfigType }[]> {
  const session = await client.request<SessionView>("GET", "/api/session");
  if (session.kind === "org")
    return client.request("GET", "/api/configs", { query: { scope: session.org!.id, effective: "true" } });
  const orgs = await client.request<OrgView[]>("GET", "/api/orgs");
  const scopes = ["global", ...orgs.map((org) => org.id)];
  return (
    await Promise.all(scopes.map((scope) => client.request<ConfigView[]>("GET", "/api/configs", { query: { scope } })))
  ).flat();
}

async function foldersOr(dirs: string[]): Promise<string[]> {
  if (dirs.length > 0) return dirs.map((dir) => resolve(dir));
  const { loadSettings } = await import("../../platform/settings.ts");
  return loadSettings().workflowsDirs;
}

/** Every TypeScript file under `dir` (tests and declaration files too), leaving out dot-folders and node_modules. */
function typeScriptFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new CliError(`${dir} does not exist`, 4);
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...typeScriptFiles(path));
    else if (/\.m?ts$/.test(name)) out.push(path);
  }
  return out;
}
