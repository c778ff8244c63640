import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { WebhookCreate } from "../../../webhooks/webhook-service.ts";
import { DeliveryView, WebhookView, WebhookWithSecret } from "../../../webhooks/webhook-view.ts";
import { AUTH_ERRORS, ScopeFilter, ScopeQuery, WorkflowFilter, errors, idParam, json } from "../openapi-helpers.ts";

const tags = ["Webhooks"];

export function registerWebhookPaths(registry: OpenAPIRegistry): void {
  const create = WebhookCreate.meta({
    id: "WebhookCreate",
    example: { workflow: "on_payment", description: "Stripe payments" },
  });

  registry.registerPath({
    method: "get",
    path: "/api/webhooks",
    operationId: "listWebhooks",
    summary: "List webhooks",
    description: "Never their secrets. An org token sees its own org's.",
    tags,
    request: { query: z.object({ scope: ScopeFilter, workflow: WorkflowFilter }) },
    responses: { 200: json("The webhooks", z.array(WebhookView)), ...errors(400, ...AUTH_ERRORS, 403) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/webhooks",
    operationId: "createWebhook",
    summary: "Create an inbound webhook",
    description: "Its signing secret is in this answer only (stored encrypted).",
    tags,
    request: {
      query: z.object({ scope: ScopeQuery }),
      body: { required: true, content: { "application/json": { schema: create } } },
    },
    responses: {
      201: json("Created, with its secret", WebhookWithSecret),
      ...errors(400, ...AUTH_ERRORS, 403, 404, 415),
    },
  });

  registry.registerPath({
    method: "delete",
    path: "/api/webhooks/{id}",
    operationId: "deleteWebhook",
    summary: "Delete a webhook",
    tags,
    request: { params: idParam("webhook") },
    responses: { 204: { description: "Deleted" }, ...errors(400, ...AUTH_ERRORS, 403, 404) },
  });

  registry.registerPath({
    method: "post",
    path: "/api/webhooks/{id}/rotate-secret",
    operationId: "rotateWebhookSecret",
    summary: "Give a webhook a new signing secret",
    description: "The old secret stops working at once; the new one is in this answer only.",
    tags,
    request: { params: idParam("webhook") },
    responses: {
      200: json("The webhook with its new secret", WebhookWithSecret),
      ...errors(400, ...AUTH_ERRORS, 403, 404),
    },
  });

  registry.registerPath({
    method: "post",
    path: "/hooks/{id}",
    operationId: "deliverWebhook",
    summary: "Deliver an inbound webhook (Standard Webhooks v1)",
    description:
      "No bearer token: the sender signs `<webhook-id>.<webhook-timestamp>.<raw body>` with HMAC-SHA256 under the base64-decoded secret. The JSON body is the workflow's params. A bad or missing signature, or a timestamp more than 5 minutes off, gets 401 and records nothing; a `webhook-id` seen for this hook within 24 h answers the first `executionId` and starts nothing.",
    tags,
    security: [],
    request: {
      params: idParam("webhook"),
      headers: z.object({
        "webhook-id": z
          .string()
          .meta({ description: "The message id: the replay key", example: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" }),
        "webhook-timestamp": z.string().meta({ description: "Unix seconds", example: "1765015200" }),
        "webhook-signature": z.string().meta({
          description: "`v1,<base64 signature>`; several space-separated allowed",
          example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
        }),
      }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.unknown().meta({ description: "The workflow's params", example: { amount: 42 } }),
          },
        },
      },
    },
    responses: { 202: json("Accepted: the run it started", DeliveryView), ...errors(400, 401, 404, 413, 422, 503) },
  });
}
