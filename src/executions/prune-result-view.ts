import { z } from "zod";
import { Timestamp } from "../views/view-fields.ts";

/** What a retention pass or `POST /api/executions/prune` deleted (or, dry run, would delete). */
export const PruneResult = z
  .object({
    executions: z.number().int().meta({ description: "Executions deleted (or, dry run, that would be)" }),
    logLines: z.number().int().meta({ description: "Their log lines" }),
    before: Timestamp.meta({ description: "Finished before this" }),
    dryRun: z.boolean(),
  })
  .meta({ id: "PruneResult", description: "What went (or, dry run, would go)" });
export type PruneResult = z.infer<typeof PruneResult>;
