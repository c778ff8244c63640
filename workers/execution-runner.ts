import "reflect-metadata";
import { container } from "tsyringe";
import { runWithConfigAccess, type ConfigAccess } from "../sdk/config-access.ts";
import type { ExecutionContext, ExecutionLogEntry } from "../sdk/execution-context.ts";
import { collectingLogger, storedResult, userConfigOf } from "../sdk/execution-parts.ts";
import type { WorkflowDefinition } from "../sdk/workflow-definition.ts";
import { ConfigType, inferConfigType, normalizeConfigKey, type ConfigService, type ExecutionConfigReader } from "../src/configs/index.ts";
import { ScopeAccessError, SecretCopyError, ValidationError } from "../src/errors/index.ts";
import type { ExecutionOutcome, RunAuthority } from "../src/executions/execution-store.ts";
import { GLOBAL, GLOBAL_SCOPE, orgScope, type OrgService, type OrgView, type Scope } from "../src/orgs/index.ts";
import { MIN_SECRET_LENGTH, SecretScrubber } from "../src/secrets/index.ts";
import { SharedReads } from "../src/storage/shared-reads.ts";
import { endRun, withinRun } from "./current-run.ts";
import { endRunConsole } from "./run-console.ts";

/** What a run needs from its scope. */
export interface PreparedScope {
  scope: Scope;
  /**
   * Every secret value stored in the run's scope itself, for the scrubber (with the values the run
   * reads: ConfigService.secretValuesForScrubbing). Only needed when the run ends or writes, so it
   * may still be on its way while the run goes.
   */
  secretValues: Promise<readonly string[]>;
}

export interface ExecutionRequest {
  executionId: string;
  definition: WorkflowDefinition;
  /** From `ExecutionRunner.prepare`. */
  prepared: PreparedScope;
  params: unknown;
  /** Per-user config (`Config-*` headers), already decrypted from the job. Never stored. */
  userConfig: Record<string, string>;
  /** Aborted from outside to cancel the run. */
  cancelSignal?: AbortSignal;
  /** What the run may change besides its own scope. Default "scope". */
  authority?: RunAuthority;
}

/**
 * Runs one workflow method: resolves its class through tsyringe, puts the execution's config
 * access behind the `config` facade, enforces the timeout and cancellation through `ctx.signal`,
 * and scrubs every secret value the run could see (its scope's secrets, the secret values it read
 * or wrote itself, and its per-user config, with their common encodings) from the result, the
 * error and the logs before returning them. In a worker process, the run's code is also kept from
 * the process's console (run-console.ts), from exiting it (exit-guard.ts) and from crashing it with
 * a promise it left unhandled (stray-errors.ts).
 */
export class ExecutionRunner {
  /**
   * Scrubbers by the values they were built from: a scope's values come back as the same array
   * while its configs do not change (ConfigService.secretValuesForScrubbing), and building a
   * scrubber costs ~10–30 ms per 1,000 secrets, so most runs reuse one. One goes when
   * ScrubbableSecrets lets go of its array.
   */
  private readonly scrubbers = new WeakMap<readonly string[], { scrubber: SecretScrubber; covers: ReadonlySet<string> }>();

  /** Runs of one org starting together share one read of it. */
  private readonly orgReads: SharedReads<string, OrgView>;

  constructor(
    private readonly configs: ConfigService,
    orgs: OrgService,
  ) {
    // Asked as the worker claims a run: the read goes with the claim where it can.
    this.orgReads = new SharedReads((id: string) => orgs.get(id, { alongBookkeeping: true }));
  }

  /** A scrubber of the scope's values and `more` (values the run read or wrote, per-user config). */
  private scrubberFor(scopeValues: readonly string[], more: Iterable<string>): SecretScrubber {
    let known = this.scrubbers.get(scopeValues);
    if (!known) {
      known = { scrubber: new SecretScrubber(scopeValues), covers: new Set(scopeValues) };
      this.scrubbers.set(scopeValues, known);
    }
    const extra = [...more].filter((value) => !known.covers.has(value));
    // Per-user config, a secret read from global scope, a value set during the run: the scope's
    // index is reused, not rebuilt (~10–30 ms with 1,000 secrets).
    return extra.length === 0 ? known.scrubber : known.scrubber.with(extra);
  }

  /**
   * What a run in the scope `scopeId` ("global" or an org id) needs: the org, and the secrets to
   * scrub (on their way: only awaited when the run ends). Separate from `run` so that the worker
   * can read it while it claims the run.
   */
  async prepare(scopeId: string): Promise<PreparedScope> {
    const secretValues = this.configs.secretValuesForScrubbing(scopeId);
    secretValues.catch(() => undefined); // awaited when the run ends; a failure surfaces there
    return { scope: scopeId === GLOBAL ? GLOBAL_SCOPE : orgScope(await this.orgReads.get(scopeId)), secretValues };
  }

  async run(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const { definition, executionId } = request;
    const { scope } = request.prepared;
    const logs: ExecutionLogEntry[] = [];
    // Secret values the run reads or writes itself: a value set after `prepare` read the scope
    // (through the API, or by this run) is scrubbed too.
    const seen = new Set<string>();
    const scrubberNow = async () => this.scrubberFor(await request.prepared.secretValues, [...seen, ...Object.values(request.userConfig)]);
    // When the run's code is done: its unfinished console line joins its logs, the run has ended
    // for what its code does later (a timer it left, a promise it did not await), then everything
    // is scrubbed. A promise its code left rejected as it returned is reported by Node after that
    // (once the promise jobs have run): waiting a turn of the event loop for it cost 10–30% of
    // executions/s (3 × 3,000 runs each way, both databases), so it counts as after the end.
    const ending = async () => {
      endRunConsole(ctx.log);
      endRun(ctx.log);
      return scrubberNow();
    };
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
    for (const [name, value] of Object.entries(request.userConfig)) {
      if (value.length > 0 && value.length < MIN_SECRET_LENGTH) {
        ctx.log.warn(`Per-user config "${name}" is shorter than ${MIN_SECRET_LENGTH} characters: it is not scrubbed from this run's output`);
      }
    }

    try {
      const params = definition.params ? parseParams(definition, request.params) : request.params;
      const instance = container.createChildContainer().resolve(definition.target) as Record<string, (...args: unknown[]) => unknown>;
      const run = withinRun(ctx.log, () =>
        runWithConfigAccess(this.accessFor(request, configReader, seen, scrubberNow), () => Promise.resolve(instance[definition.method](ctx, params))),
      );
      const aborted = new Promise<never>((_, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason);
        controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
      });
      const result = storedResult(await Promise.race([run, aborted]));
      const scrub = await ending();
      return { status: "success", result: result === "null" ? null : scrub.scrubJson(result), error: null, logs: scrubLogs(scrub, logs) };
    } catch (error) {
      const scrub = await ending();
      return { status: ended ?? "failed", result: null, error: cut(escapeNuls(scrub.scrub(errorText(error))), ERROR_LIMIT), logs: scrubLogs(scrub, logs) };
    } finally {
      clearTimeout(timer);
      request.cancelSignal?.removeEventListener("abort", onCancel);
      await configReader.close();
    }
  }

  /**
   * `config` for one run: the cascade for its scope, declared secrets only, audited with its id.
   * Writes stay within the run's authority, and a secret value it holds (read, or per-user config)
   * is never stored as a plain config: both refusals are audited.
   */
  private accessFor(request: ExecutionRequest, configs: ExecutionConfigReader, seen: Set<string>, scrubberNow: () => Promise<SecretScrubber>): ConfigAccess {
    const { definition, executionId } = request;
    const { scope } = request.prepared;
    const actor = `workflow:${definition.name}`;
    const refuse = async (target: Scope, key: string, reason: "scope" | "secret_copy"): Promise<never> => {
      await this.configs.auditDenied(target, key, { actor, executionId }, reason);
      throw reason === "scope" ? new ScopeAccessError(normalizeConfigKey(key), definition.name) : new SecretCopyError(normalizeConfigKey(key), definition.name);
    };
    return {
      read: async (key) => {
        const resolved = await configs.read(key);
        if (resolved?.type === "secret" && typeof resolved.value === "string") seen.add(resolved.value);
        return resolved && { type: resolved.type, value: resolved.value };
      },
      write: async (key, value, options) => {
        const type = options.secret ? "secret" : (options.type ?? inferConfigType(value));
        const target = options.scope === "global" ? GLOBAL_SCOPE : scope;
        if (target.kind === "global" && scope.kind === "org" && request.authority !== "admin") await refuse(target, key, "scope");
        if (type !== "secret" && (await scrubberNow()).scrubValue(value) !== value) await refuse(target, key, "secret_copy");
        if (type === "secret" && typeof value === "string") seen.add(value);
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

/**
 * A stored error (message and stack) is cut to this many characters. It is cut after scrubbing,
 * so a cut cannot leave part of a secret behind.
 */
export const ERROR_LIMIT = 64_000;

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${(text.length - limit).toLocaleString("en-US")} more characters not stored)`;
}

/**
 * A NUL shown as `util.inspect` writes one (`\x00`), after scrubbing (which matches across NULs):
 * PostgreSQL's text cannot hold one, and a run whose error held one (a tool's UTF-16 output) could
 * not be stored as ended. Logs and results are stored as JSON, which escapes it already.
 */
function escapeNuls(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "\\x00") : text;
}

/**
 * A thrown value as stored: `name: message` and the stack's frames. The stack's own first lines
 * repeat the message (all its lines), which would store it twice.
 */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${error.message}`, ...frames].join("\n");
}

function scrubLogs(scrubber: SecretScrubber, logs: ExecutionLogEntry[]): ExecutionLogEntry[] {
  return logs.map((entry) => ({ ...entry, message: scrubber.scrub(entry.message) }));
}
