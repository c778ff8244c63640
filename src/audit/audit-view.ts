import { z } from "zod";
import { ScopeId, Timestamp } from "../views/view-fields.ts";

/** An audit row as the API shows it: who did what, where; never a value. */
export const AuditRecord = z
  .object({
    at: Timestamp,
    actor: z.string().meta({ example: "token:ci" }),
    action: z.string().meta({ description: "`<area>.<verb>`", example: "config.update" }),
    scope: ScopeId,
    key: z.string().nullable().meta({ description: "The config key, for config actions", example: "stripe_api_key" }),
    executionId: z.string().optional().meta({ description: "Present when a run did it" }),
    runScope: ScopeId.optional().meta({
      description:
        "The org whose run did it, when that is not `scope` (an org's run reading a global secret): that org sees the row too",
    }),
    details: z
      .unknown()
      .optional()
      .meta({ description: 'Counts and names only (e.g. `{ type: "int" }`); present when there are any' }),
  })
  .meta({ id: "AuditRecord", description: "One audited action; never a value" });
export type AuditRecord = z.infer<typeof AuditRecord>;
