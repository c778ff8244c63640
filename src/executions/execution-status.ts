import { z } from "zod";

/** pending → running → success | failed | timeout | cancelled (running → pending again on a retry). */
export const ExecutionStatus = z
  .enum(["pending", "running", "success", "failed", "timeout", "cancelled"])
  .meta({ id: "ExecutionStatus", description: "pending → running → success | failed | timeout | cancelled" });
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export type FinalStatus = Exclude<ExecutionStatus, "pending" | "running">;

export function isFinal(status: string): status is FinalStatus {
  return status !== "pending" && status !== "running";
}
