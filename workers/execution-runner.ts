import { randomUUID } from "node:crypto";
import type { ConfigAccess } from "../sdk/config-access.ts";
import type { ExecutionLogEntry } from "../sdk/execution-context.ts";
import {
  ConfigType,
  asJsonValue,
  inferConfigType,
  normalizeConfigKey,
  type ConfigService,
  type ExecutionConfigReader,
} from "../src/configs/index.ts";
import { ScopeAccessError, SecretCopyError } from "../src/errors/index.ts";
import type { ExecutionOutcome, FinalStatus, RunAuthority } from "../src/executions/index.ts";
import { GLOBAL, GLOBAL_SCOPE, orgScope, type OrgService, type Scope } from "../src/orgs/index.ts";
import { MIN_SECRET_LENGTH, SecretScrubber, type ScopeScrubber } from "../src/secrets/index.ts";
import type { ConfigCall } from "../src/workflows/thread-protocol.ts";
import type { WorkflowInfo } from "../src/workflows/workflow-view.ts";
import { LiveLog, type LiveLogDeps } from "./live-log.ts";
import type { ThreadPool } from "./thread-pool.ts";
import { MAX_THREAD_SECRETS, threadSecrets, type ThreadSecrets } from "./thread-secrets.ts";

/** What a run needs from its scope. */
export interface PreparedScope {
  scope: Scope;
  /**
   * The scrubber of the secrets stored in the run's scope itself (the values the run reads join it:
   * ConfigService.scopeScrubber). Only needed when the run writes or ends, so it may still be on its
   * way while the run goes.
   */
  scrubber: Promise<ScopeScrubber>;
}

export interface ExecutionRequest {
  executionId: string;
  definition: WorkflowInfo;
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
 * How long a thread has to answer a run's abort (a timeout, a cancel) before it is taken for
 * stuck in code that never yields and stopped, with the runs it held.
 */
export const THREAD_ANSWER_MS = 2_000;

/**
 * Runs one workflow in a thread of the pool (its code never runs in this process, which holds the
 * database, Redis and the key): answers the run's `config` calls (the cascade for its scope,
 * declared secrets only, audited, writes within its authority), ends it at its timeout or on
 * cancel (its `ctx.signal` is aborted; a thread that does not answer is stopped), and scrubs every
 * secret value the run could see (its scope's secrets, those it read or wrote, its per-user
 * config) from the result, the error and the logs before returning them.
 */
export class ExecutionRunner {
  constructor(
    private readonly configs: ConfigService,
    private readonly orgs: OrgService,
    /** The pool a run starting now goes to (that of the current generation of the code). */
    private readonly pool: () => ThreadPool,
    /** Where runs' lines are stored while they go; without it they only come back in the outcome. */
    private readonly liveLogs?: LiveLogDeps,
  ) {}

  /**
   * What a run in the scope `scopeId` ("global" or an org id) needs: the org, and the scrubber (on
   * its way: only awaited when the run writes or ends). Separate from `run` so that the worker can
   * read it while it claims the run.
   */
  async prepare(scopeId: string): Promise<PreparedScope> {
    const scrubber = this.configs.scopeScrubber(scopeId);
    scrubber.catch(() => undefined); // awaited when the run ends; a failure surfaces there
    return { scope: scopeId === GLOBAL ? GLOBAL_SCOPE : orgScope(await this.orgs.getForClaim(scopeId)), scrubber };
  }

  async run(request: ExecutionRequest): Promise<ExecutionOutcome> {
    const { definition, executionId, prepared } = request;
    const logs: ExecutionLogEntry[] = [];
    const warnings: ExecutionLogEntry[] = [];
    for (const [name, value] of Object.entries(request.userConfig)) {
      if (value.length > 0 && value.length < MIN_SECRET_LENGTH) {
        warnings.push({
          at: new Date().toISOString(),
          level: "warn",
          message: `Per-user config "${name}" is shorter than ${MIN_SECRET_LENGTH} characters: it is not scrubbed from this run's output`,
        });
      }
    }
    // Secret values the thread was handed, this run's (those it reads or writes, a value set after
    // `prepare` read the scope, a global one, its per-user config) and those of every run before it
    // on the thread, whose module state it shares (thread-secrets.ts).
    const thread = this.pool().acquire(definition.memoryLimitMb);
    const handed = threadSecrets(thread);
    for (const value of Object.values(request.userConfig)) handed.add(value);
    const scrubberNow = async (): Promise<SecretScrubber> => {
      const { scrubber } = await prepared.scrubber;
      // The scope's index is reused, not rebuilt (~10–30 ms with 1,000 secrets).
      return handed.size === 0 ? scrubber : SecretScrubber.joined([scrubber, handed.scrubber()]);
    };
    const reader = this.configs.readerFor(prepared.scope, {
      actor: `workflow:${definition.name}`,
      executionId,
      declaredSecrets: { workflow: definition.name, keys: definition.secrets },
    });
    const access = this.accessFor(request, reader, handed, scrubberNow);
    const live = this.liveLogs
      ? new LiveLog(executionId, this.liveLogs, scrubberNow, (text) => storableText(escapeNuls(text)))
      : null;
    const logged = (entries: ExecutionLogEntry[]) => {
      logs.push(...entries);
      live?.add(entries);
    };
    logged(warnings);
    const runId = randomUUID();
    let ended = false;

    const outcome = new Promise<{
      status: FinalStatus;
      result: string | null;
      error: string | null;
      secretReads: Record<string, number>;
    }>((resolve) => {
      const end = (
        status: FinalStatus,
        result: string | null,
        error: string | null,
        secretReads: Record<string, number> = {},
      ) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        request.cancelSignal?.removeEventListener("abort", onCancel);
        resolve({ status, result, error, secretReads });
      };
      // The run ends at once; its code is told through ctx.signal, and a thread that does not
      // answer is busy in code that never yields: stopping it is the only way to end that.
      const stop = (status: "timeout" | "cancelled", reason: string) => {
        end(status, null, reason);
        const answered = thread.abort(runId, reason, THREAD_ANSWER_MS);
        // Code that goes on regardless holds up no drain; it ends with its thread.
        thread.abandon(runId);
        void answered.then((yes) => {
          if (!yes)
            void thread.stop(
              `The thread running it was stopped: run ${executionId} (workflow ${definition.name}) kept it busy past its ${status === "timeout" ? "timeout" : "cancel"} without yielding`,
            );
        });
      };
      const timer = setTimeout(
        () => stop("timeout", `Execution timed out after ${definition.timeoutMs} ms`),
        definition.timeoutMs,
      );
      const onCancel = () => stop("cancelled", "Execution was cancelled");

      thread
        .run(
          {
            runId,
            workflow: definition.name,
            params: request.params,
            executionId,
            org: prepared.scope.kind === "org" ? { ...prepared.scope.org } : null,
            userConfig: request.userConfig,
          },
          {
            onLogs: (entries) => {
              if (!ended) logged(entries);
            },
            onConfig: (call) => (ended ? Promise.reject(new Error("The run has ended")) : configCall(access, call)),
          },
        )
        .then(
          ({ end: done, secretReads }) =>
            done.ok ? end("success", done.result, null, secretReads) : end("failed", null, done.error, secretReads),
          (error: Error) => end("failed", null, error.message),
        );
      // After `thread.run` took the run: a cancel now keeps it from ever being sent to the thread.
      if (request.cancelSignal?.aborted) onCancel();
      request.cancelSignal?.addEventListener("abort", onCancel, { once: true });
    });

    try {
      const { status, result, error, secretReads } = await outcome;
      // Every line is stored before the run's end is: a reader that sees it ended has them all.
      await live?.flush();
      await reader.close(secretReads);
      const scrub = await scrubberNow();
      try {
        return {
          status,
          result: result === null || result === "null" ? null : scrub.scrubJson(result),
          error: error === null ? null : storableText(cut(escapeNuls(scrub.scrub(error)), ERROR_LIMIT)),
          logs: logs.map((entry) => ({ ...entry, message: storableText(scrub.scrub(entry.message)) })),
        };
      } catch (failure) {
        // Output the scrubber could not walk (a thread that sent what no run of ours sends): none of it is kept.
        return {
          status: "failed",
          result: null,
          error: `The run's output could not be checked for secrets, so none of it was kept (${(failure as Error).name})`,
          logs: [],
        };
      }
    } finally {
      ended = true;
      if (handed.size > MAX_THREAD_SECRETS) this.pool().retire(thread);
    }
  }

  /**
   * `config` for one run: the cascade for its scope, declared secrets only, audited with its id.
   * Writes stay within the run's authority, and a secret value it holds (read, or per-user config)
   * is never stored as a plain config: both refusals are audited.
   */
  private accessFor(
    request: ExecutionRequest,
    configs: ExecutionConfigReader,
    handed: ThreadSecrets,
    scrubberNow: () => Promise<SecretScrubber>,
  ): ConfigAccess {
    const { definition, executionId } = request;
    const { scope } = request.prepared;
    const actor = `workflow:${definition.name}`;
    const refuse = async (target: Scope, key: string, reason: "scope" | "secret_copy"): Promise<never> => {
      await this.configs.auditDenied(target, key, { actor, executionId }, reason);
      throw reason === "scope"
        ? new ScopeAccessError(normalizeConfigKey(key), definition.name)
        : new SecretCopyError(normalizeConfigKey(key), definition.name);
    };
    return {
      scope: scope.kind === "org" ? scope.org.name : "global",
      read: async (key) => {
        const resolved = await configs.read(key);
        if (resolved?.type === "secret" && typeof resolved.value === "string") handed.add(resolved.value);
        return resolved && { type: resolved.type, value: resolved.value };
      },
      write: async (key, raw, options) => {
        const value = asJsonValue(normalizeConfigKey(key), raw);
        const type = options.secret ? "secret" : (options.type ?? inferConfigType(value));
        const target = options.scope === "global" ? GLOBAL_SCOPE : scope;
        if (target.kind === "global" && scope.kind === "org" && request.authority !== "admin")
          await refuse(target, key, "scope");
        if (type !== "secret" && (await scrubberNow()).scrubValue(value) !== value)
          await refuse(target, key, "secret_copy");
        if (type === "secret" && typeof value === "string") handed.add(value);
        await this.configs.set(target, key, { type: ConfigType.parse(type), value }, actor);
        configs.forget(key);
      },
      list: async () =>
        (await this.configs.listEffective(scope)).map((c) => ({
          key: c.key,
          type: c.type,
          value: c.value,
          masked: c.masked,
          resolvedFrom: c.resolvedFrom,
        })),
      remove: async (key) => {
        await this.configs.delete(scope, key, actor);
        configs.forget(key);
      },
    };
  }
}

function configCall(access: ConfigAccess, call: ConfigCall): Promise<unknown> {
  switch (call.op) {
    case "read":
      return access.read(call.key);
    case "write":
      return access.write(call.key, call.value, call.options);
    case "list":
      return access.list();
    case "remove":
      return access.remove(call.key);
    default:
      return Promise.reject(new Error("Unknown config call"));
  }
}

/**
 * A stored error (message and stack) is cut to this many characters. It is cut after scrubbing,
 * so a cut cannot leave part of a secret behind.
 */
export const ERROR_LIMIT = 64_000;

function cut(text: string, limit: number): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… (${(text.length - limit).toLocaleString("en-US")} more characters not stored)`;
}

/**
 * Text a database stores: a lone UTF-16 surrogate (a cut through an emoji, a tool's broken output)
 * becomes U+FFFD, which PostgreSQL and Prisma take, after scrubbing, so no secret is changed unseen.
 */
function storableText(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * A NUL shown as `util.inspect` writes one (`\x00`), after scrubbing (which matches across NULs):
 * PostgreSQL's text cannot hold one, and a run whose error held one (a tool's UTF-16 output) could
 * not be stored as ended. Logs and results are stored as JSON, which escapes it already.
 */
function escapeNuls(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "\\x00") : text;
}
