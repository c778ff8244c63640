// Must compile (npm run typecheck, and test/unit/workflow-types.test.ts): methods that fit their @workflow options.
import { z } from "zod";
import { workflow, type ExecutionContext } from "bifrost-ts/sdk";

const Charge = z.object({ amount: z.number().int(), currency: z.string().default("EUR") });

export class Fits {
  @workflow({ name: "fits_params", params: Charge })
  async withParams(_ctx: ExecutionContext, { amount, currency }: z.infer<typeof Charge>) {
    return { amount, currency };
  }

  @workflow({ name: "fits_spelled_out", params: Charge })
  async spelledOut(_ctx: ExecutionContext, params: { amount: number; currency: string }) {
    return params.amount;
  }

  @workflow({ name: "fits_none" })
  async none(ctx: ExecutionContext) {
    return ctx.executionId;
  }

  @workflow({ name: "fits_nothing_at_all" })
  nothingAtAll() {
    return null;
  }

  @workflow({ name: "fits_result", result: z.object({ charged: z.number() }), tool: true })
  async withResult() {
    return { charged: 5 };
  }
}
