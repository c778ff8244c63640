import { randomUUID } from "node:crypto";
import { z } from "zod";
import { OrgExistsError, OrgNotEmptyError, OrgNotFoundError, ValidationError } from "../errors/index.ts";
import type { AuditLog } from "../audit/index.ts";
import { bumpConfigRevisions } from "../configs/config-list-cache.ts";
import type { ExecutionStatus } from "../executions/execution-status.ts";
import { sql, type Database } from "../storage/database.ts";
import { isUniqueViolation } from "../storage/database-errors.ts";
import type { OrgView } from "./org-view.ts";
import { GLOBAL, GLOBAL_SCOPE, orgScope, type OrgRef, type Scope } from "./scope.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Org names: what people type in `--org` and what bundles match on. */
export const OrgName = z
  .string()
  .trim()
  .min(1, "an org name must not be empty")
  .max(100, "an org name is at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "an org name starts with a letter or digit and holds only letters, digits, spaces, . _ -")
  .refine((name) => name.toLowerCase() !== GLOBAL, '"global" is reserved for the global scope')
  .refine((name) => !UUID.test(name), "an org name must not look like an org id (a UUID)");

export type { OrgView } from "./org-view.ts";

export class OrgService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
  ) {}

  async create(rawName: unknown, actor: string): Promise<OrgView> {
    const parsed = OrgName.safeParse(rawName);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, "name");
    const name = parsed.data;
    // Names are matched exactly, but two orgs differing only in case would be a trap for people.
    if (await this.nameTaken(name)) throw new OrgExistsError(name);
    try {
      const org = await this.db.write(async (tx) => {
        const created = await tx.org.create({ data: { id: randomUUID(), name, createdBy: actor } });
        await this.audit.record(tx, { actor, action: "org.create", scope: created.id, details: { name } });
        return created;
      });
      return { id: org.id, name: org.name, createdAt: org.createdAt.toISOString() };
    } catch (error) {
      if ((error as { code?: string }).code === "P2002" || isUniqueViolation(error)) throw new OrgExistsError(name);
      throw error;
    }
  }

  /** By name; `after`: the last name of the page before (GET /api/orgs pages with a cursor). */
  async list(page: { limit?: number; after?: string } = {}): Promise<OrgView[]> {
    const orgs = await this.db.prisma.org.findMany({ where: page.after === undefined ? {} : { name: { gt: page.after } }, orderBy: { name: "asc" }, take: page.limit });
    return orgs.map((org) => ({ id: org.id, name: org.name, createdAt: org.createdAt.toISOString() }));
  }

  /**
   * @param alongBookkeeping read with the execution bookkeeping being written, if any (a worker
   *   claiming a run: one round trip for both, see GroupCommit)
   */
  async get(id: string, { alongBookkeeping = false } = {}): Promise<OrgView> {
    // Every org-scoped run asks: on the driver (see DirectSql).
    const statement = sql`SELECT "id", "name", "createdAt" FROM "orgs" WHERE "id" = ${id}`;
    const [org] = await (alongBookkeeping ? this.db.bookkeeping : this.db.direct).query<{ id: string; name: string; createdAt: Date }>(statement);
    if (!org) throw new OrgNotFoundError(id);
    return { id: org.id, name: org.name, createdAt: org.createdAt.toISOString() };
  }

  /**
   * Deletes an org (by id or exact name) with its configs and its tokens (which stop working on the
   * next request). Its finished executions and its audit rows stay, as history.
   * @throws OrgNotEmptyError while it holds configs, unless `force`; and while runs of it are
   *   pending or running, force or not: they read its configs, and would read global values in
   *   their place, fail to write, or fail when a worker takes them
   */
  async delete(ref: string, { force = false }: { force?: boolean }, actor: string): Promise<void> {
    await this.db.write(async (tx) => {
      const org = ref.includes("\u0000") ? null : await tx.org.findFirst({ where: UUID.test(ref) ? { id: ref.toLowerCase() } : { name: ref }, select: { id: true, name: true } });
      if (!org) throw new OrgNotFoundError(ref);
      const configs = await tx.config.count({ where: { orgId: org.id } });
      const activeExecutions = await tx.execution.count({ where: { orgId: org.id, status: { in: ["pending", "running"] satisfies ExecutionStatus[] } } });
      const contents = { configs, activeExecutions };
      if (activeExecutions > 0) {
        throw new OrgNotEmptyError(`Org ${JSON.stringify(org.name)} has ${plural(activeExecutions, "run")} pending or running: cancel them or wait for their end, then delete it`, contents);
      }
      if (configs > 0 && !force) {
        throw new OrgNotEmptyError(`Org ${JSON.stringify(org.name)} holds ${plural(configs, "config")}: delete them first, or force the deletion (force=true; \`bifrost orgs delete --force\`) to delete them with it`, contents);
      }
      // What else an org owns goes here too, and is counted in the audit row: schedules and
      // webhooks, once they exist (CONTRACT.md v2: "its configs, schedules and webhooks go too").
      await tx.config.deleteMany({ where: { orgId: org.id } });
      const { count: tokens } = await tx.apiToken.deleteMany({ where: { orgId: org.id } });
      await tx.org.delete({ where: { id: org.id } });
      await this.audit.record(tx, { actor, action: "org.delete", scope: org.id, details: { name: org.name, configs, tokens, force } });
      // Last, as every config change does (config-list-cache.ts).
      if (configs > 0) await bumpConfigRevisions(tx, [org.id]);
    });
  }

  /** An org by id or exact name, or null. */
  async find(ref: string): Promise<OrgRef | null> {
    // No org name holds a NUL, and PostgreSQL text cannot carry one into a query.
    if (ref.includes("\u0000")) return null;
    // Every org-scoped request asks: on the driver (see DirectSql).
    const [org] = await this.db.direct.query<OrgRef>(
      UUID.test(ref) ? sql`SELECT "id", "name" FROM "orgs" WHERE "id" = ${ref.toLowerCase()}` : sql`SELECT "id", "name" FROM "orgs" WHERE "name" = ${ref}`,
    );
    return org ? { id: org.id, name: org.name } : null;
  }

  /** `?scope=` as the API takes it: "global", an org id or an org name. */
  async resolveScope(ref: string): Promise<Scope> {
    if (ref === GLOBAL) return GLOBAL_SCOPE;
    const org = await this.find(ref);
    if (!org) throw new OrgNotFoundError(ref);
    return orgScope(org);
  }

  private async nameTaken(name: string): Promise<boolean> {
    // One lookup on the unique index on lower("name") (migration org_folded_name): names are
    // ASCII, so lower() folds them as toLowerCase does; the index also refuses a racing twin.
    const rows = await this.db.direct.query<{ id: string }>(sql`SELECT "id" FROM "orgs" WHERE lower("name") = ${name.toLowerCase()}`);
    return rows.length > 0;
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
