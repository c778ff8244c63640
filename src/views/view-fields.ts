import { z } from "zod";

// Fields that many views share, described once for the OpenAPI document (src/http/openapi/).

/** An instant as the API writes it: `Date.toISOString()`. */
export const Timestamp = z.string().meta({ format: "date-time", example: "2026-12-06T10:00:00.000Z" });

/** `"global"` or an org's id: the scope a row belongs to. */
export const ScopeId = z.string().meta({ description: '"global" or the org\'s id', example: "global" });

/** An org as other views name it. */
export const OrgRefView = z
  .object({
    id: z.string().meta({ example: "5b0c1e9e-8c1a-4b7e-9a43-3f1f1f0f2a11" }),
    name: z.string().meta({ example: "acme" }),
  })
  .meta({ id: "OrgRef", description: "An org: its id and name" });
export type OrgRefView = z.infer<typeof OrgRefView>;
