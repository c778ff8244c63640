import { z } from "zod";
import { ExecutionStatus } from "./execution-status.ts";
import { ExecutionLogView } from "./execution-view.ts";

/** `GET /api/executions/{id}/logs`: lines after a seq, and the run's status read before them. */
export const LogPage = z
  .object({
    logs: z.array(ExecutionLogView),
    status: ExecutionStatus,
    nextAfter: z.number().int().meta({ description: "Pass as `after=` to read the lines after these" }),
  })
  .meta({ id: "LogPage", description: "Log lines after a seq, and the run's status" });
export type LogPage = z.infer<typeof LogPage>;
