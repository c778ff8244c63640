import { z } from "zod";
import { OrgRefView, Timestamp } from "../views/view-fields.ts";

/** An org as the API shows it. */
export const OrgView = OrgRefView.extend({ createdAt: Timestamp }).meta({
  id: "Org",
  description: "An org: a scope of configs, runs, schedules and webhooks",
});
export type OrgView = z.infer<typeof OrgView>;
