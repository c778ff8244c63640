import { z } from "zod";
import { config, workflow, type ExecutionContext } from "bifrost-ts/sdk";

/**
 * Stands in for a payment provider's client library: the key goes to the provider (in a real one,
 * as a request header), and what comes back is the provider's answer, never the key.
 */
const paymentProvider = {
  async charge(request: {
    apiKey: string;
    amount: number;
    currency: string;
    signal: AbortSignal;
  }): Promise<{ id: string }> {
    request.signal.throwIfAborted();
    if (request.apiKey.length === 0) throw new Error("the payment provider refused the request: no API key");
    return { id: `ch_test_${request.amount}_${request.currency.toLowerCase()}` };
  },
};

/** A Stripe-like charge: reads a declared secret and hands it to the provider; shows no part of it. */
export class Billing {
  @workflow({
    name: "charge_card",
    description: "Charge a customer's card through the payment provider",
    category: "billing",
    params: z.object({ amount: z.number().int().positive(), currency: z.string().length(3).default("EUR") }),
    secrets: ["stripe_api_key"],
    timeoutMs: 30_000,
  })
  async chargeCard(ctx: ExecutionContext, { amount, currency }: { amount: number; currency: string }) {
    const apiKey = await config.getString("stripe_api_key");
    ctx.log.info(`charging ${amount} ${currency} for ${ctx.org?.name ?? "global"}`);
    // ctx.signal: a cancel or a timeout stops the request. The result says what happened, never
    // which key did it: not even a few of its characters, which would narrow a guess.
    const charge = await paymentProvider.charge({ apiKey, amount, currency, signal: ctx.signal });
    return { charged: amount, currency, chargeId: charge.id };
  }
}
