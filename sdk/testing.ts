/**
 * bifrost-ts/sdk/testing: run a workflow in a unit test, without a database, Redis or a worker.
 *
 * @example
 * import { runWorkflow } from "bifrost-ts/sdk/testing";
 * const run = await runWorkflow(Billing, "chargeCard", { amount: 5 }, {
 *   configs: { stripe_api_key: { type: "secret", value: "sk_test_123" } },
 * });
 * expect(run.result).toEqual({ charged: 5, currency: "EUR", chargeId: "ch_test_5_eur" });
 */
import "reflect-metadata";
import { container, type DependencyContainer } from "tsyringe";
import { ConfigNotFoundError, SecretAccessError, ValidationError } from "../src/errors/index.ts";
import { normalizeConfigKey } from "../src/configs/config-key.ts";
import { inferConfigType } from "../src/configs/config-type.ts";
import { runWithConfigAccess, type ConfigAccess, type ConfigEntry } from "./config-access.ts";
import type { ExecutionContext, ExecutionLogEntry } from "./execution-context.ts";
import { collectingLogger, storedResult, userConfigOf } from "./execution-parts.ts";
import { findWorkflow } from "./workflow-registry.ts";

export interface TestConfig {
  type: ConfigEntry["type"];
  value: unknown;
}

export interface RunWorkflowOptions {
  /** The configs the run sees (already resolved for its org), by key. Writes go here too. */
  configs?: Record<string, TestConfig>;
  /** Per-user config, as the `Config-*` headers would carry it. */
  userConfig?: Record<string, string>;
  org?: { id: string; name: string } | null;
  /** Where the workflow's class is resolved; register test doubles for its services here. */
  container?: DependencyContainer;
  signal?: AbortSignal;
}

export interface TestRun<R> {
  result: R;
  logs: ExecutionLogEntry[];
  /** The configs after the run (including what it set or deleted). */
  configs: Record<string, TestConfig>;
}

/**
 * Runs `Class.prototype[method]` as the worker would: params validated by its schema, the class
 * resolved through tsyringe, `config` backed by `options.configs`, and a read of a secret the
 * workflow does not declare refused with SecretAccessError, and a result larger than the worker
 * stores refused with ResultTooLargeError. Output is not scrubbed.
 */
export async function runWorkflow<R = unknown>(target: new (...args: any[]) => object, method: string, params: unknown = {}, options: RunWorkflowOptions = {}): Promise<TestRun<R>> {
  const definition = findWorkflow(target, method);
  if (!definition) throw new Error(`${target.name}.${method} is not a @workflow method`);
  // By canonical key, as the platform stores them: every reader normalizes a key the same way.
  const configs: Record<string, TestConfig> = Object.fromEntries(Object.entries(structuredClone(options.configs ?? {})).map(([key, c]) => [normalizeConfigKey(key), c]));
  const logs: ExecutionLogEntry[] = [];

  const access: ConfigAccess = {
    read: async (rawKey) => {
      const key = normalizeConfigKey(rawKey);
      const found = configs[key];
      if (found?.type === "secret" && !definition.secrets.includes(key)) throw new SecretAccessError(key, definition.name);
      return found && { ...found };
    },
    write: async (rawKey, value, writeOptions) => {
      configs[normalizeConfigKey(rawKey)] = { type: writeOptions.secret ? "secret" : (writeOptions.type ?? inferConfigType(value)), value };
    },
    list: async () =>
      Object.entries(configs).map(([key, c]) => ({ key, type: c.type, value: c.type === "secret" ? null : c.value, masked: c.type === "secret", resolvedFrom: "test" })),
    remove: async (rawKey) => {
      const key = normalizeConfigKey(rawKey);
      if (!(key in configs)) throw new ConfigNotFoundError(key, "this test run");
      delete configs[key];
    },
  };
  const ctx: ExecutionContext = {
    executionId: `test-${definition.name}`,
    workflowName: definition.name,
    org: options.org ?? null,
    log: collectingLogger(logs),
    userConfig: userConfigOf(options.userConfig ?? {}),
    signal: options.signal ?? new AbortController().signal,
  };

  let parsed = params;
  if (definition.params) {
    const check = definition.params.safeParse(params);
    if (!check.success) throw ValidationError.fromZod(check.error, "params");
    parsed = check.data;
  }
  const instance = (options.container ?? container).resolve(definition.target) as Record<string, (...args: unknown[]) => Promise<R>>;
  const result = await runWithConfigAccess(access, () => instance[definition.method](ctx, parsed));
  storedResult(result); // what the worker could not store fails here too
  return { result, logs, configs };
}
