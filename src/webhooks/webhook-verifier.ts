import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { WebhookSignatureError } from "../errors/index.ts";

/** The Standard Webhooks headers of a delivery, as received (any may be missing). */
export interface DeliveryHeaders {
  "webhook-id"?: string;
  "webhook-timestamp"?: string;
  "webhook-signature"?: string;
}

/**
 * Checks a delivery as Standard Webhooks v1 (the `standardwebhooks` package): a `v1,` HMAC-SHA256
 * of `<webhook-id>.<webhook-timestamp>.<raw body>` under the secret, among the space-separated
 * signatures, and a timestamp within 5 minutes of now (the package's tolerance).
 * @returns the delivery's `webhook-id`
 * @throws WebhookSignatureError naming what was wrong, never the secret or the signature
 */
export function verifyDelivery(secret: string, rawBody: Buffer, headers: DeliveryHeaders): string {
  const given = Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  try {
    new Webhook(secret).verify(rawBody, given, { jsonParse: false });
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new WebhookSignatureError(error.message.toLowerCase());
    throw error;
  }
  return given["webhook-id"];
}
