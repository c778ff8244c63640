// Reads a .env or JSON file into typed configs for POST /api/configs/import. Pure (no Node, no DOM):
// the console's import dialog and `bifrost config import` read files the same way.
import type { ConfigType } from "./config-type.ts";

export interface ImportRow {
  key: string;
  type: ConfigType;
  value: unknown;
}

// Names that hold credentials by convention: imported as secrets unless the user says otherwise.
const SECRET_NAME = /secret|password|passwd|token|api[-_]?key|private|credential|dsn/i;

/** The rows of a JSON object (`{"KEY": value}`) or of a .env file (`KEY=value` lines). */
export function parseImportFile(text: string): ImportRow[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    return Object.entries(parsed).map(([key, value]) => ({ key, value, type: typeOf(key, value) }));
  }
  const rows: ImportRow[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`Not a KEY=value line: ${line.slice(0, 40)}`);
    const value = unquote(match[2]!);
    rows.push({ key: match[1]!, value, type: typeOf(match[1]!, value) });
  }
  return rows;
}

function unquote(text: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (!quoted) return text.replace(/\s+#.*$/, "");
  return quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"') : quoted[2]!;
}

/** The type a value is imported as: a secret when its name says so (unless `byName` is false), else its value's. */
export function typeOf(key: string, value: unknown, byName = true): ConfigType {
  if (typeof value === "string") {
    if (byName && SECRET_NAME.test(key)) return "secret";
    if (/^-?\d{1,15}$/.test(value)) return "int";
    if (/^(true|false)$/i.test(value)) return "bool";
    return "string";
  }
  if (typeof value === "number" && Number.isInteger(value)) return "int";
  if (typeof value === "boolean") return "bool";
  return "json";
}
