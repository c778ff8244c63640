import "reflect-metadata";
import { container } from "tsyringe";
import { runWithConfigAccess, type ConfigAccess } from "../sdk/config-access.ts";
import type { ExecutionContext, ExecutionLogEntry } from "../sdk/execution-context.ts";
import { collectingLogger, userConfigOf } from "../sdk/execution-parts.ts";
import type { WorkflowDefinition } from "../sdk/workflow-definition.ts";
import { ConfigType, inferConfigType, type ConfigService, type ExecutionConfigReader } from "../src/configs/index.ts";
import { ValidationError } from "../src/errors/index.ts";
import type { ExecutionOutcome } from "../src/executions/execution-store.ts";
import { GLOBAL_SCOPE, type Scope } from "../src/orgs/index.ts";
import { SecretScrubber } from "../src/secrets/index.ts";

export interface ExecutionRequest {
  executionId: string;
  definition: WorkflowDefinition;
  scope: Scope;
  params: unknown;
  /** Per-user config (`Config-*` headers), already decrypted from the job. Never stored. */
  userConfig: Record<string, string>;
  /** Aborted from outside to cancel the run. */
  cancelSignal?: AbortSignal;
}

/**
 * Runs one workflow method: resolves its class through tsyringe, puts the execution's config
 * access behind the `config` facade, enforces the timeout and cancellation through `ctx.signal`,
 * and scrubs every secret value the run could see (its scope's secrets and its per-user config,
 * with their common encodings) from the result, the error and the logs before returning them.
 */
export class ExecutionRunner {
  constructor(private readonly configs: ConfigService) {}

  async run(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const { definition, scope, executionId } = request;
    const scrubber = new SecretScrubber([...(await this.configs.secretValuesForScrubbing(scope)), ...Object.values(request.userConfig)]);
    const logs: ExecutionLogEntry[] = [];
    const configReader = this.configs.readerFor(scope, {
      actor: `workflow:${definition.name}`,
      executionId,
      declaredSecrets: { workflow: definition.name, keys: definition.secrets },
    });

    const controller = new AbortController();
    let ended: "timeout" | "cancelled" | null = null;
    const timer = setTimeout(() => {
      ended ??= "timeout";
      controller.abort(new Error(`Execution timed out after ${definition.timeoutMs} ms`));
    }, definition.timeoutMs);
    const onCancel = () => {
      ended ??= "cancelled";
      controller.abort(new Error("Execution was cancelled"));
    };
    if (request.cancelSignal?.aborted) onCancel();
    request.cancelSignal?.addEventListener("abort", onCancel, { once: true });

    const ctx: ExecutionContext = {
      executionId,
      workflowName: definition.name,
      org: scope.kind === "org" ? { ...scope.org } : null,
      log: collectingLogger(logs),
      userConfig: userConfigOf(request.userConfig),
      signal: controller.signal,
    };

    try {
      const params = definition.params ? parseParams(definition, request.params) : request.params;
      const instance = container.createChildContainer().resolve(definition.target) as Record<string, (...args: unknown[]) => unknown>;
      const run = runWithConfigAccess(this.accessFor(request, configReader), () => Promise.resolve(instance[definition.method](ctx, params)));
      const aborted = new Promise<never>((_, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason);
        controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
      });
      const result = await Promise.race([run, aborted]);
      return { status: "success", result: scrubber.scrubValue(toJson(result)), error: null, logs: scrubLogs(scrubber, logs) };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}${error.stack ? `\n${error.stack.split("\n").slice(1).join("\n")}` : ""}` : String(error);
      return { status: ended ?? "failed", result: null, error: scrubber.scrub(message), logs: scrubLogs(scrubber, logs) };
    } finally {
      clearTimeout(timer);
      request.cancelSignal?.removeEventListener("abort", onCancel);
      await configReader.close();
    }
  }

  /** `config` for one run: the cascade for its scope, declared secrets only, audited with its id. */
  private accessFor({ definition, scope }: ExecutionRequest, configs: ExecutionConfigReader): ConfigAccess {
    const actor = `workflow:${definition.name}`;
    return {
      read: async (key) => {
        const resolved = await configs.read(key);
        return resolved && { type: resolved.type, value: resolved.value };
      },
      write: async (key, value, options) => {
        const type = options.secret ? "secret" : (options.type ?? inferConfigType(value));
        const target = options.scope === "global" ? GLOBAL_SCOPE : scope;
        await this.configs.set(target, key, { type: ConfigType.parse(type), value }, actor);
        configs.forget(key);
      },
      list: async () =>
        (await this.configs.listEffective(scope)).map((c) => ({ key: c.key, type: c.type, value: c.value, masked: c.masked, resolvedFrom: c.resolvedFrom })),
      remove: async (key) => {
        await this.configs.delete(scope, key, actor);
        configs.forget(key);
      },
    };
  }
}

function parseParams(definition: WorkflowDefinition, params: unknown): unknown {
  const parsed = definition.params!.safeParse(params ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, "params");
  return parsed.data;
}

/** A result as it will be stored: JSON (undefined becomes null, functions and cycles are refused). */
function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value) ?? "null");
}

function scrubLogs(scrubber: SecretScrubber, logs: ExecutionLogEntry[]): ExecutionLogEntry[] {
  return logs.map((entry) => ({ ...entry, message: scrubber.scrub(entry.message) }));
}
