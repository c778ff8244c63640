import { GLOBAL } from "../orgs/index.ts";
import { sql, type Database } from "../storage/database.ts";
import { toConfigView, type ConfigRow } from "./config-view.ts";
import type { ConfigType } from "./config-type.ts";

/** One scope's row of one key, as the matrix shows it: a secret says only whether it has a value. */
export interface MatrixCell {
  type: ConfigType;
  /** Null for a secret, always. */
  value: unknown;
  masked: boolean;
  hasValue: boolean;
  updatedAt: string;
}

export interface MatrixRow {
  key: string;
  global: MatrixCell | null;
  /** By org id; an org without its own row is absent. */
  orgs: Record<string, MatrixCell>;
  /** Some org's own row differs from global (its type or its value; for secrets, set or unset). */
  differs: boolean;
}

export interface ConfigMatrix {
  orgs: { id: string; name: string }[];
  keys: MatrixRow[];
}

/**
 * Keys × scopes, for comparing orgs with global and with each other. Never a secret's value nor its
 * ciphertext: a secret cell is its type and whether it has a value.
 */
export async function readConfigMatrix(db: Database): Promise<ConfigMatrix> {
  const orgs = await db.direct.query<{ id: string; name: string }>(sql`SELECT "id", "name" FROM "orgs" ORDER BY "name"`);
  const rows = await db.direct.query<ConfigRow>(sql`SELECT * FROM "configs" ORDER BY "key"`);
  const byKey = new Map<string, MatrixRow>();
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { key: row.key, global: null, orgs: {}, differs: false };
    const view = toConfigView(row);
    const cell: MatrixCell = { type: view.type, value: view.value, masked: view.masked, hasValue: view.hasValue, updatedAt: view.updatedAt };
    if (row.scope === GLOBAL) entry.global = cell;
    else entry.orgs[row.scope] = cell;
    byKey.set(row.key, entry);
  }
  for (const entry of byKey.values()) {
    const shown = (cell: MatrixCell | null) => (cell ? JSON.stringify([cell.type, cell.masked ? cell.hasValue : cell.value]) : "unset");
    entry.differs = Object.values(entry.orgs).some((cell) => shown(cell) !== shown(entry.global));
  }
  return { orgs, keys: [...byKey.values()] };
}
