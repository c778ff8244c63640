// Must NOT compile (test/unit/workflow-types.test.ts checks each error and its line): methods that
// disagree with their @workflow options. Left out of tsconfig.json on purpose.
import { z } from "zod";
import { workflow, type ExecutionContext } from "bifrost-ts/sdk";

export class Misfits {
  @workflow({ name: "wrong_param_type", params: z.object({ amount: z.number() }) }) // error: params
  async wrongType(_ctx: ExecutionContext, { amount }: { amount: string }) {
    return amount;
  }

  @workflow({ name: "missing_param", params: z.object({ amount: z.number() }) }) // error: params
  async missing(_ctx: ExecutionContext, params: { amount: number; note: string }) {
    return params;
  }

  @workflow({ name: "params_without_schema" }) // error: no params
  async noSchema(_ctx: ExecutionContext, params: { amount: number }) {
    return params;
  }

  @workflow({ name: "wrong_result", result: z.object({ charged: z.number() }) }) // error: result
  async wrongResult() {
    return { charged: "five" };
  }
}
