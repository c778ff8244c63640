import { z } from "zod";
import { OrgRefView } from "../views/view-fields.ts";

/** `GET /api/session`: who the token is (the console shapes its pages by it). */
export const SessionView = z
  .object({
    kind: z.enum(["admin", "org"]),
    actor: z.string().meta({ description: "How audit rows name this token", example: "token:ci" }),
    org: OrgRefView.nullable().meta({ description: "An org token's org; null for an admin token" }),
    readOnly: z.boolean(),
  })
  .meta({ id: "Session", description: "Who the token is" });
export type SessionView = z.infer<typeof SessionView>;
