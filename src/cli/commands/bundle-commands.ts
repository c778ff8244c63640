import { createWriteStream, readFileSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import type { Command } from "commander";
import type { ImportReport } from "../../bundles/import-report-view.ts";
import { ApiClient } from "../api-client.ts";
import { CliError, EXIT } from "../cli-error.ts";
import { printJson } from "../output.ts";

/** `bifrost export` and `bifrost import`, through the API. */
export function registerBundleCommands(program: Command): void {
  program
    .command("export")
    .description("write a bundle of orgs and configs (a backup with encrypted secrets, or --portable without them)")
    .option(
      "--portable",
      "secrets without value or ciphertext (key, type and description kept): for another environment",
    )
    .option("--org <name>", "only this org's configs (or `global`)")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(async (options: { portable?: boolean; org?: string; output?: string }) => {
      const response = await new ApiClient().send("GET", "/api/export", {
        query: { portable: options.portable ? "true" : "false", scope: options.org },
      });
      const body = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
      if (options.output) {
        await pipeline(body, createWriteStream(options.output, { mode: options.portable ? 0o644 : 0o600 }));
        process.stderr.write(
          `wrote ${options.portable ? "portable bundle" : "backup (secrets encrypted; keep it safe)"} to ${options.output}\n`,
        );
      } else await pipeline(body, process.stdout, { end: false });
    });

  program
    .command("import [file]")
    .description("import a bundle (all or nothing): orgs matched by name, configs upserted by (org, key)")
    .option("--dry-run", "report what would change, write nothing")
    .option("--from-bifrost <file>", "import a Python Bifrost configs export instead of a bundle")
    .option(
      "--source-secret-key <key>",
      "the key the file's secrets are encrypted under, when not this server's (or BIFROST_SOURCE_SECRET_KEY)",
    )
    .option("--json", "print the report as JSON")
    .action(
      async (
        file: string | undefined,
        options: { dryRun?: boolean; fromBifrost?: string; sourceSecretKey?: string; json?: boolean },
      ) => {
        if (file && options.fromBifrost)
          throw new CliError("give either a bundle file or --from-bifrost <file>, not both");
        const path = options.fromBifrost ?? file;
        if (!path) throw new CliError("missing the file to import (a bundle, or --from-bifrost <configs.json>)");
        const text = readDocument(path);
        const sourceKey = options.sourceSecretKey ?? process.env.BIFROST_SOURCE_SECRET_KEY;
        const report = await withProgress(
          `${options.dryRun ? "checking" : "importing"} ${path} (${describeSize(path)})`,
          () =>
            new ApiClient().request<ImportReport>("POST", "/api/import", {
              query: { dryRun: options.dryRun ? "true" : "false", format: options.fromBifrost ? "bifrost" : "bundle" },
              body: text,
              headers: sourceKey ? { "Bifrost-Source-Secret-Key": sourceKey } : {},
            }),
        );
        if (options.json) return printJson(report);
        printReport(report);
      },
    );
}

function readDocument(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, EXIT.usage);
  }
  return text;
}

function describeSize(path: string): string {
  const bytes = statSync(path).size;
  return bytes > 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Says what is going on while a long request runs: a ticking line on a terminal, start and end lines otherwise. */
async function withProgress<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const tty = process.stderr.isTTY;
  process.stderr.write(tty ? `${what}…` : `${what}…\n`);
  const ticker = tty ? setInterval(() => process.stderr.write(`\r${what}… ${elapsed()}`), 500) : undefined;
  try {
    return await fn();
  } finally {
    clearInterval(ticker);
    process.stderr.write(`${tty ? `\r${what}… ` : ""}done in ${elapsed()}\n`);
  }
}

function printReport(report: ImportReport): void {
  const { configs, orgs } = report;
  const verb = report.dryRun ? "would be" : "were";
  process.stdout.write(
    `${report.dryRun ? "dry run, nothing written: " : ""}configs: ${configs.created} created, ${configs.updated} updated, ${configs.unchanged} unchanged; orgs: ${orgs.created.length} created${orgs.created.length ? ` (${orgs.created.join(", ")})` : ""}, ${orgs.existing} existing\n`,
  );
  if (report.needsValue.length) {
    process.stdout.write(
      `${report.needsValue.length} secret(s) ${verb} without a value; set each before a workflow reads it:\n`,
    );
    for (const item of report.needsValue) process.stdout.write(`  ${item.howToSet}\n`);
  }
  const { schedules, webhooks, needsSecret } = report;
  if (
    schedules.created +
      schedules.updated +
      schedules.unchanged +
      webhooks.created +
      webhooks.updated +
      webhooks.unchanged >
    0
  ) {
    process.stdout.write(
      `schedules: ${schedules.created} created, ${schedules.updated} updated, ${schedules.unchanged} unchanged; webhooks: ${webhooks.created} created, ${webhooks.updated} updated, ${webhooks.unchanged} unchanged\n`,
    );
  }
  if (needsSecret.length) {
    process.stdout.write(
      `${needsSecret.length} webhook(s) ${verb} created with a new secret nobody has seen; make one to give each sender:\n`,
    );
    for (const item of needsSecret) process.stdout.write(`  ${item.howToSet}\n`);
  }
}
