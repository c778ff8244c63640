import { randomBytes } from "node:crypto";

/** Standard Webhooks' prefix of a signing secret: the rest is the key, base64. */
export const WEBHOOK_SECRET_PREFIX = "whsec_";

/** A new signing secret: 32 random bytes (Standard Webhooks asks for 24 to 64), as `whsec_<base64>`. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** A new webhook id: random, so that a hook's URL says nothing of its scope, workflow or age. */
export function newWebhookId(): string {
  return `wh_${randomBytes(18).toString("base64url")}`;
}

/** Whether `id` has the shape of a webhook id (anything else never reaches the database). */
export function isWebhookId(id: string): boolean {
  return /^wh_[A-Za-z0-9_-]{24}$/.test(id);
}
