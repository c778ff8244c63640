import type { Database, Transaction } from "../storage/database.ts";
import type { WebhookRow } from "./webhook-view.ts";

export interface WebhookFilter {
  /** "global" or an org id; every scope when omitted. */
  scope?: string;
  workflow?: string;
}

/** Every query of the webhooks table. */
export class WebhookStore {
  constructor(private readonly db: Database) {}

  find(id: string): Promise<WebhookRow | null> {
    return this.db.prisma.webhook.findUnique({ where: { id } });
  }

  /** Oldest first. */
  list(filter: WebhookFilter): Promise<WebhookRow[]> {
    return this.db.prisma.webhook.findMany({
      where: { scope: filter.scope, workflow: filter.workflow },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
  }

  create(tx: Transaction, row: Omit<WebhookRow, "createdAt" | "secretRotatedAt">): Promise<WebhookRow> {
    return tx.webhook.create({ data: row });
  }

  setSecret(tx: Transaction, id: string, secret: { token: string; keyFingerprint: string }): Promise<WebhookRow> {
    return tx.webhook.update({
      where: { id },
      data: { encrypted: secret.token, keyFingerprint: secret.keyFingerprint, secretRotatedAt: new Date() },
    });
  }

  async delete(tx: Transaction, id: string): Promise<boolean> {
    return (await tx.webhook.deleteMany({ where: { id } })).count === 1;
  }

  async orgNames(orgIds: (string | null)[]): Promise<Map<string, string>> {
    const ids = [...new Set(orgIds.filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const orgs = await this.db.prisma.org.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(orgs.map((o) => [o.id, o.name]));
  }
}
