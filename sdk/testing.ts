/**
 * bifrost-ts/sdk/testing: run a workflow in a unit test, without a database, Redis or a worker.
 *
 * @example
 * import { runWorkflow } from "bifrost-ts/sdk/testing";
 * const run = await runWorkflow(Billing, "chargeCard", { amount: 5 }, {
 *   configs: { stripe_api_key: { type: "secret", value: "sk_test_123" } },
 * });
 * expect(run.result).toEqual({ charged: 5, currency: "EUR", chargeId: "ch_test_5_eur" });
 *
 * @module bifrost-ts/sdk/testing
 */
import "reflect-metadata";
import { container, type DependencyContainer } from "tsyringe";
import { ConfigNotFoundError, SecretAccessError, SecretCopyError, ValidationError } from "../src/errors/index.ts";
import { normalizeConfigKey } from "../src/configs/config-key.ts";
import { inferConfigType } from "../src/configs/config-type.ts";
import { acceptConfigValue, asJsonValue } from "../src/configs/config-value.ts";
import { runWithConfigAccess, type ConfigAccess, type ConfigEntry } from "./config-access.ts";
import type { ExecutionContext, ExecutionLogEntry } from "./execution-context.ts";
import { checkedResult, collectingLogger, storedResult, userConfigOf } from "./execution-parts.ts";
import { SecretScrubber } from "../src/secrets/secret-scrubber.ts";
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
  /** The result as the platform stores and returns it: checked by `result`, JSON, scrubbed. */
  result: R;
  /** The run's log, scrubbed as the worker scrubs it. */
  logs: ExecutionLogEntry[];
  /** The configs after the run (including what it set or deleted). */
  configs: Record<string, TestConfig>;
}

/**
 * Runs `Class.prototype[method]` as the worker would: params validated by its schema, the class
 * resolved through tsyringe, `config` backed by `options.configs` (a read of a secret the workflow
 * does not declare refused with SecretAccessError, a missing key with ConfigNotFoundError naming
 * the run's org), the result checked by `result` (ResultInvalidError) and limited as the worker
 * limits it (ResultTooLargeError). What comes back is scrubbed as the worker scrubs what it stores:
 * the result, the log and a thrown error's message and stack hold `[REDACTED]` where a secret of
 * `options.configs` or a per-user value was, so a test can check that a workflow leaks nothing.
 */
export async function runWorkflow<R = unknown>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tsyringe's own constructor type
  target: new (...args: any[]) => object,
  method: string,
  params: unknown = {},
  options: RunWorkflowOptions = {},
): Promise<TestRun<R>> {
  const definition = findWorkflow(target, method);
  if (!definition) throw new Error(`${target.name}.${method} is not a @workflow method`);
  // By canonical key, as the platform stores them: every reader normalizes a key the same way.
  const configs: Record<string, TestConfig> = Object.fromEntries(
    Object.entries(structuredClone(options.configs ?? {})).map(([key, c]) => [normalizeConfigKey(key), c]),
  );
  const secrets = new Set([
    ...Object.values(configs)
      .filter((c) => c.type === "secret" && typeof c.value === "string")
      .map((c) => c.value as string),
    ...Object.values(options.userConfig ?? {}),
  ]);
  const logs: ExecutionLogEntry[] = [];

  const access: ConfigAccess = {
    scope: options.org?.name ?? "global",
    read: async (rawKey) => {
      const key = normalizeConfigKey(rawKey);
      const found = configs[key];
      if (found?.type === "secret" && !definition.secrets.includes(key))
        throw new SecretAccessError(key, definition.name);
      // A copy: code that changes a json value it read must not change the next read.
      return found && { type: found.type, value: structuredClone(found.value) };
    },
    // As the worker writes: the value checked for its type, and a secret never stored as a plain config.
    write: async (rawKey, raw, writeOptions) => {
      const key = normalizeConfigKey(rawKey);
      const value = asJsonValue(key, raw);
      const type = writeOptions.secret ? "secret" : (writeOptions.type ?? inferConfigType(value));
      const accepted = acceptConfigValue(key, type, value);
      if (accepted.kind === "secret") secrets.add(accepted.plaintext);
      else if (new SecretScrubber(secrets).scrubValue(accepted.value) !== accepted.value)
        throw new SecretCopyError(key, definition.name);
      configs[key] = { type, value: accepted.kind === "secret" ? accepted.plaintext : accepted.value };
    },
    list: async () =>
      Object.entries(configs).map(([key, c]) => ({
        key,
        type: c.type,
        value: c.type === "secret" ? null : c.value,
        masked: c.type === "secret",
        resolvedFrom: "test",
      })),
    remove: async (rawKey) => {
      const key = normalizeConfigKey(rawKey);
      if (!(key in configs)) throw new ConfigNotFoundError(key, options.org?.name ?? "global");
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
  const instance = (options.container ?? container).resolve(definition.target) as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  try {
    const value = await runWithConfigAccess(access, () => instance[definition.method](ctx, parsed));
    const scrubber = new SecretScrubber(secrets);
    const stored = scrubber.scrubJson(storedResult(definition.name, checkedResult(definition, value)));
    return {
      result: JSON.parse(stored) as R,
      logs: logs.map((entry) => ({ ...entry, message: scrubber.scrub(entry.message) })),
      configs,
    };
  } catch (error) {
    // Thrown on, so that tests can match its class; with secrets scrubbed, as the worker stores it.
    if (error instanceof Error) {
      const scrubber = new SecretScrubber(secrets);
      error.message = scrubber.scrub(error.message);
      if (error.stack) error.stack = scrubber.scrub(error.stack);
    }
    throw error;
  }
}
