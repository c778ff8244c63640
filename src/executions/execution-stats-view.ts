import { z } from "zod";

const Counts = z.record(z.string(), z.number().int());

/** `GET /api/executions/stats`: how many executions, by each. */
export const ExecutionStats = z
  .object({
    byStatus: Counts.meta({ example: { success: 120, failed: 3 } }),
    byWorkflow: Counts.meta({ example: { charge_card: 100, nightly_report: 23 } }),
    byTrigger: Counts.meta({ example: { api: 90, schedule: 33 } }),
  })
  .meta({ id: "ExecutionStats", description: "Execution counts, counted in the database" });
export type ExecutionStats = z.infer<typeof ExecutionStats>;
