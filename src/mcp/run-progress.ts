import type { ExecutionService } from "../executions/execution-service.ts";
import type { ExecutionStatus } from "../executions/execution-status.ts";

/** What a running call can tell its client: the run's status and the log lines it wrote since the last look. */
export interface RunProgress {
  status: ExecutionStatus;
  /** New lines, oldest first, as `level: message`. */
  lines: string[];
  /** Pass back as `seen` on the next look. */
  seen: number;
}

/**
 * Reads a run's status and its log lines after the first `seen`. Today it reads the stored
 * execution (logs land there as the platform stores them); a live log stream can replace this
 * one function without touching the calls that use it.
 */
export async function readRunProgress(executions: ExecutionService, id: string, seen: number): Promise<RunProgress> {
  const view = await executions.view(await executions.find(id));
  const fresh = view.logs.slice(seen);
  return { status: view.status, lines: fresh.map((entry) => `${entry.level}: ${entry.message}`), seen: seen + fresh.length };
}
