import type { ExecutionStatus } from "../api";

export function StatusBadge({ status }: { status: ExecutionStatus }) {
  return <span className={`status status-${status}`}>{status}</span>;
}

export const isActive = (status: ExecutionStatus) => status === "pending" || status === "running";
