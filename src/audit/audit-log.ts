import { GLOBAL } from "../orgs/scope.ts";
import type { PrismaClient, Transaction } from "../storage/database.ts";
import type { AuditRecord } from "./audit-view.ts";

/** What an audit row says. There is deliberately no field for a value. */
export interface AuditEntry {
  actor: string;
  action: AuditAction;
  /** "global" or an org id. */
  scope: string;
  key?: string | null;
  executionId?: string | null;
  /** The org whose run did it, when that is not `scope` (an org's run reading a global secret). */
  runScope?: string | null;
  /** Counts and names only (e.g. `{ type: "int" }`). */
  details?: Record<string, string | number | boolean | null>;
}

export type AuditAction =
  | "config.create"
  | "config.update"
  | "config.delete"
  | "config.denied"
  | "secret.read"
  | "org.create"
  | "org.delete"
  | "token.create"
  | "token.revoke"
  | "bundle.export"
  | "bundle.import"
  | "keys.rotate"
  | "schedule.create"
  | "schedule.update"
  | "schedule.delete"
  | "webhook.create"
  | "webhook.delete"
  | "webhook.rotate_secret"
  | "execution.cancel";

export interface AuditQuery {
  /** "global" or an org id; an org's list includes the rows its runs made in another scope. */
  scope?: string;
  key?: string;
  /** Keys holding this text (keys are lower case). */
  keyContains?: string;
  action?: string;
  since?: Date;
  until?: Date;
  limit: number;
}

export type { AuditRecord } from "./audit-view.ts";

/** Appends audit rows (inside the caller's transaction, so a change and its audit row land together) and lists them. */
export class AuditLog {
  constructor(private readonly prisma: PrismaClient) {}

  /** @returns the row's id. */
  async record(tx: Transaction | PrismaClient, entry: AuditEntry): Promise<number> {
    const row = await tx.auditEvent.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        scope: entry.scope,
        key: entry.key ?? null,
        executionId: entry.executionId ?? null,
        runScope: entry.runScope ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
      },
      select: { id: true },
    });
    return row.id;
  }

  /** Replaces a row's details (counts only), e.g. how many times a run read a secret. */
  async setDetails(
    tx: Transaction | PrismaClient,
    id: number,
    details: NonNullable<AuditEntry["details"]>,
  ): Promise<void> {
    await tx.auditEvent.update({ where: { id }, data: { details: JSON.stringify(details) } });
  }

  /** Newest first (by id); each record carries its `id`, the page cursor (not shown by the API). */
  async list(query: AuditQuery & { beforeId?: number }): Promise<(AuditRecord & { id: number })[]> {
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        ...(query.scope === undefined
          ? {}
          : query.scope === GLOBAL
            ? { scope: GLOBAL }
            : { OR: [{ scope: query.scope }, { runScope: query.scope }] }),
        key:
          query.keyContains === undefined
            ? query.key
            : { contains: query.keyContains, ...(query.key === undefined ? {} : { equals: query.key }) },
        action: query.action,
        at: query.since || query.until ? { gte: query.since, lt: query.until } : undefined,
        ...(query.beforeId === undefined ? {} : { id: { lt: query.beforeId } }),
      },
      orderBy: { id: "desc" },
      take: query.limit,
    });
    return rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      scope: row.scope,
      key: row.key,
      ...(row.executionId ? { executionId: row.executionId } : {}),
      ...(row.runScope ? { runScope: row.runScope } : {}),
      ...(row.details ? { details: JSON.parse(row.details) } : {}),
    }));
  }
}
