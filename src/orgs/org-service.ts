import { z } from "zod";
import { OrgExistsError, OrgNotEmptyError, OrgNotFoundError, ValidationError } from "../errors/index.ts";
import type { AuditLog } from "../audit/index.ts";
import { bumpConfigRevisions } from "../configs/config-revisions.ts";
import type { Database } from "../storage/database.ts";
import { isUniqueViolation } from "../storage/database-errors.ts";
import type { OrgRow, OrgStore } from "./org-store.ts";
import type { OrgView } from "./org-view.ts";
import { GLOBAL, GLOBAL_SCOPE, orgScope, type OrgRef, type Scope } from "./scope.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Org names: what people type in `--org` and what bundles match on. */
export const OrgName = z
  .string()
  .trim()
  .min(1, "an org name must not be empty")
  .max(100, "an org name is at most 100 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    "an org name starts with a letter or digit and holds only letters, digits, spaces, . _ -",
  )
  .refine((name) => name.toLowerCase() !== GLOBAL, '"global" is reserved for the global scope')
  .refine((name) => !UUID.test(name), "an org name must not look like an org id (a UUID)");

export type { OrgView } from "./org-view.ts";

export class OrgService {
  constructor(
    private readonly store: OrgStore,
    private readonly db: Pick<Database, "write">,
    private readonly audit: AuditLog,
  ) {}

  async create(rawName: unknown, actor: string): Promise<OrgView> {
    const parsed = OrgName.safeParse(rawName);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, "name");
    const name = parsed.data;
    // Names are matched exactly, but two orgs differing only in case would be a trap for people.
    if (await this.store.nameTaken(name)) throw new OrgExistsError(name);
    try {
      const org = await this.db.write(async (tx) => {
        const created = await this.store.insert(tx, name, actor);
        await this.audit.record(tx, { actor, action: "org.create", scope: created.id, details: { name } });
        return created;
      });
      return toOrgView(org);
    } catch (error) {
      if ((error as { code?: string }).code === "P2002" || isUniqueViolation(error)) throw new OrgExistsError(name);
      throw error;
    }
  }

  /** By name; `after`: the last name of the page before (GET /api/orgs pages with a cursor). */
  async list(page: { limit?: number; after?: string } = {}): Promise<OrgView[]> {
    return (await this.store.list(page)).map(toOrgView);
  }

  async get(id: string): Promise<OrgView> {
    const org = await this.store.byId(id);
    if (!org) throw new OrgNotFoundError(id);
    return toOrgView(org);
  }

  /** The org of a run a worker is claiming: read in the claim's own round trip where it can be. */
  async getForClaim(id: string): Promise<OrgView> {
    const org = await this.store.byIdAlongClaim(id);
    if (!org) throw new OrgNotFoundError(id);
    return toOrgView(org);
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
      const org = await this.store.findForDelete(tx, ref);
      if (!org) throw new OrgNotFoundError(ref);
      const contents = await this.store.contents(tx, org.id);
      const { configs, activeExecutions } = contents;
      if (activeExecutions > 0) {
        throw new OrgNotEmptyError(
          `Org ${JSON.stringify(org.name)} has ${plural(activeExecutions, "run")} pending or running: cancel them or wait for their end, then delete it`,
          contents,
        );
      }
      if (configs > 0 && !force) {
        throw new OrgNotEmptyError(
          `Org ${JSON.stringify(org.name)} holds ${plural(configs, "config")}: delete them first, or force the deletion (force=true; \`bifrost orgs delete --force\`) to delete them with it`,
          contents,
        );
      }
      const { tokens } = await this.store.delete(tx, org.id);
      await this.audit.record(tx, {
        actor,
        action: "org.delete",
        scope: org.id,
        details: { name: org.name, configs, tokens, force },
      });
      // Last, as every config change does (config-revisions.ts).
      if (configs > 0) await bumpConfigRevisions(tx, [org.id]);
    });
  }

  /** An org by id or exact name, or null. */
  async find(ref: string): Promise<OrgRef | null> {
    // Every org-scoped request asks.
    const org = await this.store.find(ref);
    return org ? { id: org.id, name: org.name } : null;
  }

  /** `?scope=` as the API takes it: "global", an org id or an org name. */
  async resolveScope(ref: string): Promise<Scope> {
    if (ref === GLOBAL) return GLOBAL_SCOPE;
    const org = await this.find(ref);
    if (!org) throw new OrgNotFoundError(ref);
    return orgScope(org);
  }
}

function toOrgView(org: OrgRow): OrgView {
  return { id: org.id, name: org.name, createdAt: org.createdAt.toISOString() };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
