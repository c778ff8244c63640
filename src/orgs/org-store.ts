import { randomUUID } from "node:crypto";
import type { ExecutionStatus } from "../executions/execution-status.ts";
import { sql, type Database, type Transaction } from "../storage/database.ts";
import { claimReads } from "../storage/claim-reads.ts";
import type { SharedReads } from "../storage/shared-reads.ts";
import type { OrgRef } from "./scope.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OrgRow {
  id: string;
  name: string;
  createdAt: Date;
}

/**
 * The orgs table. The reads every org-scoped request and run makes are SQL on the driver
 * (DirectSql); writes take the caller's transaction, so an org and its audit row go together.
 */
export class OrgStore {
  /** Runs of one org starting together share one read of it. */
  private readonly claimReads: SharedReads<string, OrgRow | undefined>;

  constructor(private readonly db: Database) {
    this.claimReads = claimReads(
      db.bookkeeping,
      (id: string) => sql`SELECT "id", "name", "createdAt" FROM "orgs" WHERE "id" = ${id}`,
      (rows: OrgRow[]) => rows[0] as OrgRow | undefined,
    );
  }

  insert(tx: Transaction, name: string, createdBy: string): Promise<OrgRow> {
    return tx.org.create({
      data: { id: randomUUID(), name, createdBy },
      select: { id: true, name: true, createdAt: true },
    });
  }

  /** By name; `after`: the last name of the page before. */
  list(page: { limit?: number; after?: string }): Promise<OrgRow[]> {
    return this.db.prisma.org.findMany({
      where: page.after === undefined ? {} : { name: { gt: page.after } },
      orderBy: { name: "asc" },
      take: page.limit,
      select: { id: true, name: true, createdAt: true },
    });
  }

  async byId(id: string): Promise<OrgRow | undefined> {
    const [org] = await this.db.direct.query<OrgRow>(
      sql`SELECT "id", "name", "createdAt" FROM "orgs" WHERE "id" = ${id}`,
    );
    return org;
  }

  /** By id, read in the claim's round trip of a run a worker is claiming (claim-reads.ts). */
  byIdAlongClaim(id: string): Promise<OrgRow | undefined> {
    return this.claimReads.get(id);
  }

  /** By id or exact name. */
  async find(ref: string): Promise<OrgRef | undefined> {
    // No org name holds a NUL, and PostgreSQL text cannot carry one into a query.
    if (ref.includes("\u0000")) return undefined;
    const [org] = await this.db.direct.query<OrgRef>(
      UUID.test(ref)
        ? sql`SELECT "id", "name" FROM "orgs" WHERE "id" = ${ref.toLowerCase()}`
        : sql`SELECT "id", "name" FROM "orgs" WHERE "name" = ${ref}`,
    );
    return org;
  }

  /** Whether an org's name is `name` in any case: one lookup on the unique index on lower("name") (names are ASCII). */
  async nameTaken(name: string): Promise<boolean> {
    const rows = await this.db.direct.query<{ id: string }>(
      sql`SELECT "id" FROM "orgs" WHERE lower("name") = ${name.toLowerCase()}`,
    );
    return rows.length > 0;
  }

  /** By id or exact name, in a transaction that is about to delete it. */
  findForDelete(tx: Transaction, ref: string): Promise<OrgRef | null> {
    if (ref.includes("\u0000")) return Promise.resolve(null);
    return tx.org.findFirst({
      where: UUID.test(ref) ? { id: ref.toLowerCase() } : { name: ref },
      select: { id: true, name: true },
    });
  }

  /** What deleting an org would take with it, or be refused for. */
  async contents(tx: Transaction, id: string): Promise<{ configs: number; activeExecutions: number }> {
    const configs = await tx.config.count({ where: { orgId: id } });
    const activeExecutions = await tx.execution.count({
      where: { orgId: id, status: { in: ["pending", "running"] satisfies ExecutionStatus[] } },
    });
    return { configs, activeExecutions };
  }

  /** Deletes the org with its configs and tokens (schedules and webhooks go by their foreign keys); returns the tokens deleted. */
  async delete(tx: Transaction, id: string): Promise<{ tokens: number }> {
    await tx.config.deleteMany({ where: { orgId: id } });
    const { count: tokens } = await tx.apiToken.deleteMany({ where: { orgId: id } });
    await tx.org.delete({ where: { id } });
    return { tokens };
  }
}
