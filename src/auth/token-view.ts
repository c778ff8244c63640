import { z } from "zod";
import { OrgRefView, Timestamp } from "../views/view-fields.ts";

/** A token as lists show it: never the token or its hash. */
export const TokenView = z
  .object({
    id: z.string(),
    name: z.string().meta({ example: "ci" }),
    kind: z.enum(["admin", "org"]),
    org: OrgRefView.nullable(),
    readOnly: z.boolean(),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable().meta({ description: "Moved at most once a minute" }),
    expiresAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: "Token", description: "An API token, never the token itself or its hash" });
export type TokenView = z.infer<typeof TokenView>;

export const CreatedToken = TokenView.extend({
  token: z.string().meta({
    description: "Shown in this answer only; only its SHA-256 is stored",
    example: "bft_q3lS0cJ8m7kWbqv0wX1tR2yU5iO9pA4sD6fG8hJ0kL2",
  }),
}).meta({ id: "CreatedToken", description: "A new token, with the token shown this once" });
export type CreatedToken = z.infer<typeof CreatedToken>;
