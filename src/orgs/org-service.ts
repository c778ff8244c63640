import { randomUUID } from "node:crypto";
import { z } from "zod";
import { OrgExistsError, OrgNotFoundError, ValidationError } from "../errors/index.ts";
import type { AuditLog } from "../audit/index.ts";
import { sql, type Database } from "../storage/database.ts";
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

export interface OrgView extends OrgRef {
  createdAt: string;
}

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
      if ((error as { code?: string }).code === "P2002") throw new OrgExistsError(name);
      throw error;
    }
  }

  async list(): Promise<OrgView[]> {
    const orgs = await this.db.prisma.org.findMany({ orderBy: { name: "asc" } });
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
    // Portable case-insensitive check (SQLite has no `mode: "insensitive"`); orgs are few.
    const all = await this.db.prisma.org.findMany({ select: { name: true } });
    return all.some((org) => org.name.toLowerCase() === name.toLowerCase());
  }
}
