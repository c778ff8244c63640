import type { z } from "zod";
import type { WorkflowOptions } from "./workflow-definition.ts";
import { registerWorkflow } from "./workflow-registry.ts";
import { normalizeConfigKey } from "../src/configs/config-key.ts";
import { InvalidConfigKeyError } from "../src/errors/index.ts";

const NAME = /^[a-z0-9_]{1,100}$/;

/**
 * Marks a method as a workflow. The method receives the execution context and the validated
 * params; what it returns (JSON) is the execution's result. Add tsyringe's `@injectable()` to
 * the class when its constructor takes services.
 *
 * @example
 * export class Billing {
 *   @workflow({ name: "charge_card", params: z.object({ amount: z.number().int() }), secrets: ["stripe_api_key"] })
 *   async chargeCard(ctx: ExecutionContext, { amount }: { amount: number }) {
 *     const key = await config.get("stripe_api_key");
 *     return { charged: amount };
 *   }
 * }
 */
export function workflow<P extends z.ZodType>(options: WorkflowOptions<P>): MethodDecorator {
  if (!NAME.test(options.name)) {
    throw new Error(`@workflow name ${JSON.stringify(options.name)} is invalid: use 1 to 100 of [a-z0-9_]`);
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new Error(`@workflow "${options.name}": timeoutMs must be a positive integer`);
  }
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0 && options.retries <= 25)) {
    throw new Error(`@workflow "${options.name}": retries must be an integer from 0 to 25`);
  }
  if (options.memoryLimitMb !== undefined && !(Number.isInteger(options.memoryLimitMb) && options.memoryLimitMb >= 16 && options.memoryLimitMb <= 65_536)) {
    throw new Error(`@workflow "${options.name}": memoryLimitMb must be an integer from 16 to 65536`);
  }
  const secrets = (options.secrets ?? []).map((key) => secretName(options.name, key));
  return (target, propertyKey) => {
    registerWorkflow({
      name: options.name,
      description: options.description ?? null,
      category: options.category ?? null,
      params: options.params ?? null,
      secrets,
      timeoutMs: options.timeoutMs ?? 300_000,
      retries: options.retries ?? 0,
      memoryLimitMb: options.memoryLimitMb ?? null,
      target: (target as { constructor: new () => object }).constructor,
      method: String(propertyKey),
    });
  };
}

/** A declared secret's key, normalized as every reader normalizes it; one no reader could ask for is refused at once. */
function secretName(workflowName: string, key: string): string {
  try {
    return normalizeConfigKey(key);
  } catch (error) {
    if (!(error instanceof InvalidConfigKeyError)) throw error;
    throw new Error(`@workflow "${workflowName}": secret ${JSON.stringify(key)} is not a config key: ${error.reason}`);
  }
}
