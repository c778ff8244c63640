import { GLOBAL } from "../orgs/index.ts";
import { toConfigView, type ConfigRow } from "./config-view.ts";
import type { ConfigMatrix, MatrixCell, MatrixRow } from "./config-matrix-view.ts";

/** How many orgs a page of the matrix holds unless asked (its columns: a screen shows a few dozen). */
export const MATRIX_ORGS_PER_PAGE = 50;

/**
 * Keys × scopes, for comparing orgs with global and with each other, a page of orgs (by name) at a
 * time: every key, global's cells, and the cells of this page's orgs. Never a secret's value nor its
 * ciphertext: a secret cell is its type and whether it has a value.
 */
export function configMatrix({
  orgs,
  keys,
  rows,
}: {
  orgs: { id: string; name: string }[];
  /** Every key of every scope: a key set only in orgs of other pages still has its row. */
  keys: string[];
  rows: ConfigRow[];
}): ConfigMatrix {
  const byKey = new Map<string, MatrixRow>(keys.map((key) => [key, { key, global: null, orgs: {}, differs: false }]));
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { key: row.key, global: null, orgs: {}, differs: false };
    const view = toConfigView(row);
    const cell: MatrixCell = {
      type: view.type,
      value: view.value,
      masked: view.masked,
      hasValue: view.hasValue,
      updatedAt: view.updatedAt,
    };
    if (row.scope === GLOBAL) entry.global = cell;
    else entry.orgs[row.scope] = cell;
    byKey.set(row.key, entry);
  }
  for (const entry of byKey.values()) {
    const shown = (cell: MatrixCell | null) =>
      cell ? JSON.stringify([cell.type, cell.masked ? cell.hasValue : cell.value]) : "unset";
    entry.differs = Object.values(entry.orgs).some((cell) => shown(cell) !== shown(entry.global));
  }
  return { orgs, keys: [...byKey.values()] };
}
