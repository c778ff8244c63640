import { z } from "zod";
import type { Webhook } from "../storage/generated/sqlite/client.ts";
import { OrgRefView, ScopeId, Timestamp } from "../views/view-fields.ts";

export type WebhookRow = Webhook;

/** A webhook as the API lists it: never its secret. */
export const WebhookView = z
  .object({
    id: z.string().meta({ example: "wh_3f1f1f0f2a11" }),
    workflow: z.string().meta({ example: "on_payment" }),
    scope: ScopeId.meta({ description: '"global" or the org id: the scope its runs act for' }),
    org: OrgRefView.nullable(),
    description: z.string().nullable(),
    url: z.string().meta({
      description: "Where senders POST: `<base>/hooks/<id>`",
      example: "https://bifrost.example.com/hooks/wh_3f1f1f0f2a11",
    }),
    createdAt: Timestamp,
    createdBy: z.string(),
    secretRotatedAt: Timestamp.nullable(),
  })
  .meta({ id: "Webhook", description: "An inbound webhook; its secret is never listed" });
export type WebhookView = z.infer<typeof WebhookView>;

/** The answer to a create or a secret rotation: the only time the secret is shown. */
export const WebhookWithSecret = WebhookView.extend({
  secret: z.string().meta({
    description: "`whsec_<base64>` (Standard Webhooks): shown in this answer only",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).meta({ id: "WebhookWithSecret", description: "A webhook with its signing secret, shown this once" });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

/** The answer to an accepted delivery. */
export const DeliveryView = z
  .object({
    executionId: z.string().meta({ description: "The run it started (a replay: the run the first delivery started)" }),
  })
  .meta({ id: "WebhookDelivery", description: "What an accepted delivery started" });
export type DeliveryView = z.infer<typeof DeliveryView>;

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
