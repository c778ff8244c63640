import type { z } from "zod";
import type { ExecutionContext } from "./execution-context.ts";
import type { WorkflowOptions } from "./workflow-definition.ts";
import { registerWorkflow } from "./workflow-registry.ts";
import { normalizeConfigKey } from "../src/configs/config-key.ts";
import { InvalidConfigKeyError } from "../src/errors/index.ts";
import { isUserConfigName, normalizeUserConfigName } from "../src/executions/user-config.ts";

const NAME = /^[a-z0-9_]{1,100}$/;

/** The method `@workflow(options)` fits: the context, then the parsed params when there is a schema. */
export type WorkflowMethod<P extends z.ZodType | undefined, R extends z.ZodType | undefined> = P extends z.ZodType
  ? (ctx: ExecutionContext, params: z.output<P>) => ResultOf<R> | Promise<ResultOf<R>>
  : (ctx: ExecutionContext) => ResultOf<R> | Promise<ResultOf<R>>;

type ResultOf<R extends z.ZodType | undefined> = R extends z.ZodType ? z.input<R> : unknown;

/** A compile error that says what is wrong when a method does not fit its options. */
type Fits<M, P extends z.ZodType | undefined, R extends z.ZodType | undefined> =
  M extends WorkflowMethod<P, R>
    ? unknown
    : M extends WorkflowMethod<P, undefined>
      ? { "@workflow": "the method must return what `result` accepts (z.input<typeof result>)" }
      : P extends z.ZodType
        ? { "@workflow": "the method's second parameter must accept z.infer<typeof params>" }
        : {
            "@workflow": "without `params`, the method takes only the context (add `params: z.object({...})` to take params)";
          };

/**
 * Marks a method as a workflow. The method receives the execution context and the params, parsed
 * by `params` (its second parameter's type must be `z.infer<typeof params>`: a method that
 * disagrees with its schema does not compile); what it returns (JSON) is the execution's result,
 * checked by `result` when given. Add tsyringe's `@injectable()` to the class when its constructor
 * takes services.
 *
 * @example
 * export class Billing {
 *   @workflow({ name: "charge_card", params: z.object({ amount: z.number().int() }), secrets: ["stripe_api_key"] })
 *   async chargeCard(ctx: ExecutionContext, { amount }: { amount: number }) {
 *     const key = await config.getString("stripe_api_key");
 *     return { charged: amount };
 *   }
 * }
 */
export function workflow<P extends z.ZodType | undefined = undefined, R extends z.ZodType | undefined = undefined>(
  options: WorkflowOptions<P, R>,
): <M>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<M> & Fits<M, P, R>) => void {
  if (!NAME.test(options.name)) {
    throw new Error(`@workflow name ${JSON.stringify(options.name)} is invalid: use 1 to 100 of [a-z0-9_]`);
  }
  if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new Error(`@workflow "${options.name}": timeoutMs must be a positive integer`);
  }
  if (
    options.retries !== undefined &&
    !(Number.isInteger(options.retries) && options.retries >= 0 && options.retries <= 25)
  ) {
    throw new Error(`@workflow "${options.name}": retries must be an integer from 0 to 25`);
  }
  if (
    options.memoryLimitMb !== undefined &&
    !(Number.isInteger(options.memoryLimitMb) && options.memoryLimitMb >= 16 && options.memoryLimitMb <= 65_536)
  ) {
    throw new Error(`@workflow "${options.name}": memoryLimitMb must be an integer from 16 to 65536`);
  }
  const secrets = (options.secrets ?? []).map((key) => secretName(options.name, key));
  const userConfig = [...new Set((options.userConfig ?? []).map((name) => userConfigName(options.name, name)))];
  return (target, propertyKey) => {
    registerWorkflow({
      name: options.name,
      description: options.description ?? null,
      category: options.category ?? null,
      params: options.params ?? null,
      result: options.result ?? null,
      tool: options.tool ?? false,
      secrets,
      userConfig,
      readOnly: options.readOnly ?? false,
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
    throw new Error(`@workflow "${workflowName}": secret ${JSON.stringify(key)} is not a config key: ${error.reason}`, {
      cause: error,
    });
  }
}

/** A declared per-user config name, folded as `Config-*` headers are; one no header could carry is refused at once. */
function userConfigName(workflowName: string, name: string): string {
  const normalized = normalizeUserConfigName(name);
  if (!isUserConfigName(normalized)) {
    throw new Error(
      `@workflow "${workflowName}": userConfig ${JSON.stringify(name)} is not a Config-<Name> header name: use 1 to 100 of letters, digits, - and _, starting with a letter or digit`,
    );
  }
  return normalized;
}
