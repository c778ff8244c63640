import type { ExecutionService } from "../executions/execution-service.ts";
import type { ExecutionStatus } from "../executions/execution-status.ts";

/** The most lines one look sends on. */
const PROGRESS_LINES = 200;

/** What a running call can tell its client: the run's status and the log lines it wrote since the last look. */
export interface RunProgress {
  status: ExecutionStatus;
  /** New lines, oldest first, as `level: message`. */
  lines: string[];
  /** The last line's seq: pass it back as `seen` on the next look. */
  seen: number;
}

/** Reads a run's status and its stored log lines after seq `seen` (lines are stored while it runs). */
export async function readRunProgress(executions: ExecutionService, id: string, seen: number): Promise<RunProgress> {
  const page = await executions.logsAfter(id, seen, PROGRESS_LINES);
  return {
    status: page.status as ExecutionStatus,
    lines: page.logs.map((entry) => `${entry.level}: ${entry.message}`),
    seen: page.nextAfter,
  };
}
