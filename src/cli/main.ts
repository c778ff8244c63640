import "reflect-metadata";
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { isBifrostError } from "../errors/index.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { ENVIRONMENT_HELP, decorateHelp } from "./help-text.ts";
import { closest } from "./suggest.ts";
import type { WorkflowList } from "../workflows/workflow-view.ts";
import { registerBundleCommands } from "./commands/bundle-commands.ts";
import { registerConfigCommands } from "./commands/config-commands.ts";
import { registerDatabaseCommands } from "./commands/database-commands.ts";
import { registerExecutionCommands } from "./commands/execution-commands.ts";
import { registerKeyCommands } from "./commands/key-commands.ts";
import { registerMcpCommands } from "./commands/mcp-commands.ts";
import { registerOrgCommands } from "./commands/org-commands.ts";
import { registerScheduleCommands } from "./commands/schedule-commands.ts";
import { registerServeCommands, type StartWorker } from "./commands/serve-commands.ts";
import { registerSessionCommands } from "./commands/session-commands.ts";
import { registerWebhookCommands } from "./commands/webhook-commands.ts";
import { registerWorkflowCommands } from "./commands/workflow-commands.ts";
import { registerTokenCommands } from "./commands/token-commands.ts";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Runs the CLI on `process.argv`; bin/bifrost.mjs composes it with the worker. */
export async function runCli(parts: { startWorker: StartWorker }): Promise<void> {
  const program = new Command("bifrost")
    .description("bifrost-ts: typed configs, secrets and workflows for many orgs")
    .version(version)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (text, write) => write(`bifrost: ${text.replace(/^error: /, "")}`) })
    .addHelpText("after", ENVIRONMENT_HELP)
    .exitOverride();

  registerServeCommands(program, parts.startWorker);
  registerDatabaseCommands(program);
  registerSessionCommands(program);
  registerTokenCommands(program);
  registerOrgCommands(program);
  registerConfigCommands(program);
  registerExecutionCommands(program);
  registerBundleCommands(program);
  registerKeyCommands(program);
  registerScheduleCommands(program);
  registerWebhookCommands(program);
  registerWorkflowCommands(program);
  registerMcpCommands(program);
  decorateHelp(program);

  // A reader that stops early (`bifrost audit | head`) closes the pipe, and writes to it fail with
  // EPIPE, reported once, as an 'error' event that would crash the process with a stack trace. The
  // rest of the output has nowhere to go; the command ends as it would have (its exit code, its
  // clean-up), and a long-running `start` or `worker` goes on.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    // A command that pipes its output (`bifrost export --portable | head`) sees the reader go as an error.
    if ((error as NodeJS.ErrnoException).code === "EPIPE") process.exit(process.exitCode ?? 0);
    if (error instanceof CommanderError) {
      // Help and --version end with their own code (0); commander's errors are usage errors.
      process.exit(
        error.exitCode === 0 || /^commander\.(help|version|helpDisplayed)/.test(error.code)
          ? error.exitCode
          : EXIT.usage,
      );
    }
    const { code, message, exitCode } = describe(error);
    const hint = await suggestionFor(error);
    if (process.argv.includes("--json"))
      process.stderr.write(`${JSON.stringify({ error: { code, message: message + hint, exitCode } })}\n`);
    else process.stderr.write(`bifrost: ${code ? `${code}: ` : ""}${message}${hint}\n`);
    process.exit(exitCode);
  }
}

/** One error format for every command: the API's code when there is one, one line, the contract's exit code. */
function describe(error: unknown): { code: string | null; message: string; exitCode: number } {
  if (error instanceof CliError)
    return {
      code: error.code ?? null,
      message: error.code ? error.message.replace(`${error.code}: `, "") : error.message,
      exitCode: error.exitCode,
    };
  if (isBifrostError(error)) return { code: error.code, message: error.message, exitCode: exitCodeForCode(error.code) };
  const message =
    error instanceof Error
      ? (error.message.split("\n").find((line) => line.trim() !== "") ?? error.name)
      : String(error);
  return { code: null, message, exitCode: EXIT.failed };
}

/** For the commands that work on the database directly: their errors are the platform's own. */
function exitCodeForCode(code: string): number {
  if (code === "UNAUTHORIZED" || code === "FORBIDDEN") return EXIT.denied;
  if (code.endsWith("_NOT_FOUND")) return EXIT.notFound;
  if (code === "VALIDATION_ERROR" || code.startsWith("INVALID_")) return EXIT.usage;
  return EXIT.failed;
}

/** For a workflow name the API does not know: the closest one it does (" (did you mean greet?)"), or "". */
async function suggestionFor(error: unknown): Promise<string> {
  if (!(error instanceof CliError) || error.code !== "WORKFLOW_NOT_FOUND") return "";
  const name = (error.details as { workflow?: unknown } | undefined)?.workflow;
  if (typeof name !== "string") return "";
  try {
    const { ApiClient } = await import("./api-client.ts");
    const { workflows } = await new ApiClient().request<WorkflowList>("GET", "/api/workflows");
    const match = closest(
      name,
      workflows.map((w) => w.name),
    );
    return match ? ` (did you mean ${match}?)` : "";
  } catch {
    return "";
  }
}
