import "reflect-metadata";
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { isBifrostError } from "../errors/index.ts";
import { CliError } from "./cli-error.ts";
import { registerBundleCommands } from "./commands/bundle-commands.ts";
import { registerConfigCommands } from "./commands/config-commands.ts";
import { registerDatabaseCommands } from "./commands/database-commands.ts";
import { registerExecutionCommands } from "./commands/execution-commands.ts";
import { registerKeyCommands } from "./commands/key-commands.ts";
import { registerOrgCommands } from "./commands/org-commands.ts";
import { registerScheduleCommands } from "./commands/schedule-commands.ts";
import { registerServeCommands } from "./commands/serve-commands.ts";
import { registerWebhookCommands } from "./commands/webhook-commands.ts";
import { registerWorkflowCommands } from "./commands/workflow-commands.ts";
import { registerTokenCommands } from "./commands/token-commands.ts";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("bifrost")
  .description("bifrost-ts: typed configs, secrets and workflows for many orgs")
  .version(version)
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

registerServeCommands(program);
registerDatabaseCommands(program);
registerTokenCommands(program);
registerOrgCommands(program);
registerConfigCommands(program);
registerExecutionCommands(program);
registerBundleCommands(program);
registerKeyCommands(program);
registerScheduleCommands(program);
registerWebhookCommands(program);
registerWorkflowCommands(program);

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
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`bifrost: ${oneLine(error)}\n`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
}

function oneLine(error: unknown): string {
  if (isBifrostError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message.split("\n")[0];
  return String(error);
}
