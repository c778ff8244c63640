import { BifrostError } from "./bifrost-error.ts";

/** No schedule with that id, or (for an org token) one of another org: the same answer either way. */
export class ScheduleNotFoundError extends BifrostError<"SCHEDULE_NOT_FOUND"> {
  override name = "ScheduleNotFoundError";
  constructor(readonly scheduleId: string) {
    super("SCHEDULE_NOT_FOUND", `No schedule with id ${JSON.stringify(scheduleId)}`, { scheduleId });
  }
}

/** No webhook with that id, or (for an org token) one of another org: the same answer either way. */
export class WebhookNotFoundError extends BifrostError<"WEBHOOK_NOT_FOUND"> {
  override name = "WebhookNotFoundError";
  constructor(readonly webhookId: string) {
    super("WEBHOOK_NOT_FOUND", `No webhook with id ${JSON.stringify(webhookId)}`, { webhookId });
  }
}

/** An inbound delivery whose Standard Webhooks signature is missing, wrong, or too old or new. */
export class WebhookSignatureError extends BifrostError<"WEBHOOK_SIGNATURE_INVALID"> {
  override name = "WebhookSignatureError";
  constructor(reason: string) {
    super(
      "WEBHOOK_SIGNATURE_INVALID",
      `The delivery is not signed with this webhook's secret (${reason}): send webhook-id, webhook-timestamp (unix seconds, within 5 minutes) and webhook-signature (v1,<base64 HMAC-SHA256>) as Standard Webhooks v1 describes`,
    );
  }
}
