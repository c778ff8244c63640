/** What the CLI prints for a secret's value. */
export const MASK = "••••••";

/** Prints rows as an aligned text table (or `empty` when there are none). */
export function printTable(rows: Record<string, string>[], empty = "(none)"): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => row[c]))}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A one-cell rendering of a config value: masked for secrets, JSON for the rest, shortened. */
export function formatValue(config: { masked: boolean; hasValue?: boolean; value: unknown }): string {
  if (config.masked) return config.hasValue === false ? "(no value: set it)" : MASK;
  const text = typeof config.value === "string" ? config.value : JSON.stringify(config.value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** A command's outcome: `value` as JSON with --json, else the line for people. */
export function printOutcome(options: { json?: boolean }, value: unknown, line: string): void {
  if (options.json) printJson(value);
  else process.stdout.write(`${line}\n`);
}
