import { z } from "zod";
import { OrgRefView } from "../views/view-fields.ts";
import { ConfigView } from "./config-view.ts";

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
