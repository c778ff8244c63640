import type { Webhook } from "../storage/generated/sqlite/client.ts";

export type WebhookRow = Webhook;

/** A webhook as the API lists it: never its secret. */
export interface WebhookView {
  id: string;
  workflow: string;
  /** "global" or the org's id: the scope its runs act for. */
  scope: string;
  org: { id: string; name: string } | null;
  description: string | null;
  /** Where senders POST: `<base>/hooks/<id>`. */
  url: string;
  createdAt: string;
  createdBy: string;
  secretRotatedAt: string | null;
}

/** The answer to a create or a secret rotation: the only time the secret is shown. */
export interface WebhookWithSecret extends WebhookView {
  secret: string;
}

export function toWebhookView(row: WebhookRow, orgName: string | null, baseUrl: string): WebhookView {
  return {
    id: row.id,
    workflow: row.workflow,
    scope: row.scope,
    org: row.orgId ? { id: row.orgId, name: orgName ?? "(deleted org)" } : null,
    description: row.description,
    url: webhookUrl(baseUrl, row.id),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    secretRotatedAt: row.secretRotatedAt?.toISOString() ?? null,
  };
}

export function webhookUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/hooks/${id}`;
}
