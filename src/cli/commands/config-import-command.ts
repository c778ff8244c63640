import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import type { ImportReport } from "../../bundles/import-report-view.ts";
import { normalizeConfigKey } from "../../configs/config-key.ts";
import { parseImportFile, typeOf, type ImportRow } from "../../configs/import-file.ts";
import { ApiClient } from "../api-client.ts";
import { CliError, EXIT } from "../cli-error.ts";
import { MASK, printJson, printTable } from "../output.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `bifrost config import <file>`: a .env or JSON file's keys into one scope through
 * POST /api/configs/import, read and typed as the console's import dialog reads them.
 */
export function configImportCommand(): Command {
  return new Command("import")
    .description(
      "import a .env or JSON file's keys into one scope (all or nothing); names like *TOKEN*, *SECRET*, *PASSWORD* are secrets",
    )
    .argument("<file>", "a .env file (KEY=value lines) or a JSON object; - reads stdin")
    .addOption(new Option("--org <name>", "the org (name or id); default: the token's scope"))
    .option("--secret <key>", "import this key as a secret (repeatable)", collect, [])
    .option(
      "--plain <key>",
      "import this key by its value's type even if its name looks secret (repeatable)",
      collect,
      [],
    )
    .option("--dry-run", "report what would change, write nothing")
    .option("--json", "print the server's report as JSON")
    .action(
      async (
        file: string,
        options: { org?: string; secret: string[]; plain: string[]; dryRun?: boolean; json?: boolean },
      ) => {
        const rows = typed(readRows(file), options.secret, options.plain);
        const report = await new ApiClient().request<ImportReport>("POST", "/api/configs/import", {
          query: { scope: options.org, dryRun: options.dryRun ? "true" : "false" },
          body: { configs: rows },
        });
        if (options.json) return printJson(report);
        printChanges(rows, report);
      },
    );
}

/** The file's rows, or a usage error in words (a file that is not there, not JSON, not KEY=value lines). */
function readRows(file: string): ImportRow[] {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
  }
  let rows: ImportRow[];
  try {
    rows = parseImportFile(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? "not valid JSON" : (error as Error).message;
    throw new CliError(`${file}: ${reason}`, EXIT.usage);
  }
  if (rows.length === 0) throw new CliError(`${file}: no KEY=value lines or JSON keys in it`, EXIT.usage);
  return rows;
}

/** `rows` with --secret and --plain applied over the guess; each named key must be in the file. */
function typed(rows: ImportRow[], secret: string[], plain: string[]): ImportRow[] {
  const keys = new Set(rows.map((r) => r.key));
  for (const key of [...secret, ...plain])
    if (!keys.has(key)) throw new CliError(`--secret/--plain ${key}: no such key in the file`, EXIT.usage);
  const both = secret.find((key) => plain.includes(key));
  if (both) throw new CliError(`${both} is given both --secret and --plain`, EXIT.usage);
  return rows.map((row) => {
    if (secret.includes(row.key))
      return { ...row, type: "secret", value: typeof row.value === "string" ? row.value : JSON.stringify(row.value) };
    if (plain.includes(row.key)) return { ...row, type: typeOf(row.key, row.value, false) };
    return row;
  });
}

/**
 * One line a key, as stored (`MAX_RETRIES` is `max_retries`): what happened to it (the report lists
 * created and updated keys; the rest were unchanged).
 */
function printChanges(rows: ImportRow[], report: ImportReport): void {
  const changed = new Map(report.changes.map((c) => [c.key, c.change]));
  const { created, updated, unchanged } = report.configs;
  printTable(
    rows.map((row) => ({
      key: normalizeConfigKey(row.key),
      type: row.type,
      value: row.type === "secret" ? MASK : shorten(row.value),
      change: changed.get(normalizeConfigKey(row.key)) ?? "unchanged",
    })),
  );
  process.stdout.write(
    `${report.dryRun ? "dry run, nothing written: " : ""}${created} created, ${updated} updated, ${unchanged} unchanged\n`,
  );
}

function shorten(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
