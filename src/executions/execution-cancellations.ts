import type { AuditLog } from "../audit/index.ts";
import type { Database } from "../storage/database.ts";

/**
 * Who cancelled a run: an `execution.cancel` audit row per cancel request (the audit trail is where
 * "who did what" lives), read back as `cancelledBy` for the runs that ended cancelled.
 */
export class ExecutionCancellations {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
  ) {}

  record(executionId: string, scope: string, actor: string): Promise<number> {
    return this.db.write((tx) => this.audit.record(tx, { actor, action: "execution.cancel", scope, executionId }));
  }

  /** The first actor who asked to cancel each of `ids` (absent when nobody did, e.g. a timeout). */
  async cancelledBy(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.prisma.auditEvent.findMany({
      where: { action: "execution.cancel", executionId: { in: [...ids] } },
      orderBy: { id: "asc" },
      select: { executionId: true, actor: true },
    });
    const found = new Map<string, string>();
    for (const row of rows) if (row.executionId && !found.has(row.executionId)) found.set(row.executionId, row.actor);
    return found;
  }
}
