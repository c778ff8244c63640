import express, { Router } from "express";
import type { WebhookService } from "./webhook-service.ts";

/** Standard Webhooks senders' bodies: up to this size, as raw bytes (the signature covers them exactly). */
export const HOOK_BODY_LIMIT = "1mb";

/**
 * POST /hooks/:id, the inbound side: no bearer token, the Standard Webhooks signature instead.
 * The body is read raw (any content type), since the signature is over its exact bytes.
 */
export function hookRoutes(webhooks: WebhookService): Router {
  const router = Router();
  router.post("/:id", express.raw({ type: () => true, limit: HOOK_BODY_LIMIT }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = await webhooks.deliver(String(req.params.id), rawBody, {
      "webhook-id": req.get("webhook-id"),
      "webhook-timestamp": req.get("webhook-timestamp"),
      "webhook-signature": req.get("webhook-signature"),
    });
    res.status(202).json({ executionId: delivery.executionId });
  });
  return router;
}
