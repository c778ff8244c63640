import { GLOBAL } from "../orgs/index.ts";
import { z } from "zod";
import { OrgRefView } from "../views/view-fields.ts";
import { ConfigView, toConfigView, type ConfigRow } from "./config-view.ts";

/** One scope's row of one key, as the matrix shows it: a secret says only whether it has a value. */
export const MatrixCell = ConfigView.pick({
  type: true,
  value: true,
  masked: true,
  hasValue: true,
  updatedAt: true,
}).meta({
  id: "ConfigMatrixCell",
  description: "One scope's row of a key; a secret's value is always null",
});
export type MatrixCell = z.infer<typeof MatrixCell>;

export const MatrixRow = z
  .object({
    key: z.string(),
    global: MatrixCell.nullable(),
    orgs: z.record(z.string(), MatrixCell).meta({ description: "By org id; an org without its own row is absent" }),
    differs: z
      .boolean()
      .meta({ description: "Some org's own row differs from global (type or value; for secrets, set or unset)" }),
  })
  .meta({ id: "ConfigMatrixRow" });
export type MatrixRow = z.infer<typeof MatrixRow>;

export const ConfigMatrix = z.object({ orgs: z.array(OrgRefView), keys: z.array(MatrixRow) }).meta({
  id: "ConfigMatrix",
  description:
    "Keys × orgs, for comparing scopes, a page of orgs at a time: every key, global's cells and this page's orgs' cells; never a secret's value",
});
export type ConfigMatrix = z.infer<typeof ConfigMatrix>;

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
