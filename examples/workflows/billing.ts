import { z } from "zod";
import { config, workflow, type ExecutionContext } from "bifrost-ts/sdk";

/** A Stripe-like charge: reads a declared secret, never prints it. */
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
    // A real workflow would call the provider here, passing ctx.signal so a cancel stops the request.
    return { charged: amount, currency, keyHint: `${apiKey.slice(0, 3)}…` };
  }
}
