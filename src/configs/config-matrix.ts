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

export const ConfigMatrix = z
  .object({ orgs: z.array(OrgRefView), keys: z.array(MatrixRow) })
  .meta({ id: "ConfigMatrix", description: "Keys × orgs, for comparing scopes; never a secret's value" });
export type ConfigMatrix = z.infer<typeof ConfigMatrix>;

/**
 * Keys × scopes, for comparing orgs with global and with each other. Never a secret's value nor its
 * ciphertext: a secret cell is its type and whether it has a value.
 */
export function configMatrix({
  orgs,
  rows,
}: {
  orgs: { id: string; name: string }[];
  rows: ConfigRow[];
}): ConfigMatrix {
  const byKey = new Map<string, MatrixRow>();
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
