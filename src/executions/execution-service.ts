import { randomUUID } from "node:crypto";
import type { ConfigService } from "../configs/index.ts";
import {
  ExecutionFinishedError,
  ExecutionNotFoundError,
  IdempotencyKeyReusedError,
  SecretsMissingError,
  UserConfigMissingError,
  ValidationError,
  WorkflowNotFoundError,
} from "../errors/index.ts";
import { scopeId, type Scope } from "../orgs/index.ts";
import type { SecretCipher } from "../secrets/index.ts";
import type { WorkflowCatalog } from "../workflows/index.ts";
import type { ExecutionQueue } from "./execution-queue.ts";
import type { ExecutionSignals } from "./execution-signals.ts";
import { isFinal, type ExecutionStatus } from "./execution-status.ts";
import type { ExecutionCancellations } from "./execution-cancellations.ts";
import {
  ExecutionStore,
  type ExecutionFilter,
  type ExecutionStats,
  type NewExecution,
  type RunAuthority,
} from "./execution-store.ts";
import type { ExecutionTrigger } from "./execution-trigger.ts";
import type { ExecutionRetention, PruneResult } from "./execution-retention.ts";
import { followExecution, type FollowEvent } from "./execution-follow.ts";
import type { LogPage } from "./log-page-view.ts";
import type { StoredLogEntry } from "./execution-log-store.ts";
import {
  legacyLogs,
  toExecutionSummary,
  toExecutionView,
  type ExecutionRow,
  type ExecutionSummary,
  type ExecutionView,
} from "./execution-view.ts";
import { sealUserConfig } from "./user-config.ts";

export interface StartExecution {
  workflow: string;
  scope: Scope;
  params: unknown;
  /** `Config-*` header values: sealed into the job, never stored in the database. */
  userConfig: Record<string, string>;
  actor: string;
  /** What the run may change besides its own scope (see RunAuthority). */
  authority: RunAuthority;
  /** What asks for the run; default "api". */
  trigger?: ExecutionTrigger;
}

/** A start under a key: the run it started, or (`replayed`) the one an earlier start under that key did. */
export interface KeyedStart {
  row: ExecutionRow;
  replayed: boolean;
}

/** Starts under one key that lost the race to a start that then let the key go again: a bound, not a wait. */
const KEY_ATTEMPTS = 3;

/** How long a cancel of a running execution waits for its worker to confirm. */
const CANCEL_WAIT_MS = 5_000;
/** Pub/sub can drop a notice (e.g. across a reconnect); waiters re-read the row this often anyway. */
const WAIT_POLL_MS = 1_000;

/**
 * Starting, reading and cancelling executions: the rules behind /api/workflows/:name/executions
 * and /api/executions. Everything that can refuse a run (unknown workflow, bad params, missing
 * secrets, Redis down) is checked before the row is written, so a refused request leaves nothing.
 */
export class ExecutionService {
  constructor(
    private readonly store: ExecutionStore,
    private readonly configs: ConfigService,
    private readonly catalog: WorkflowCatalog,
    private readonly queue: ExecutionQueue,
    private readonly signals: ExecutionSignals,
    private readonly cipher: SecretCipher,
    /** What the API process adds: retention (POST /api/executions/prune) and who cancelled runs. */
    private readonly extras: {
      retention?: ExecutionRetention;
      /** BIFROST_EXECUTION_RETENTION_DAYS: what a prune without `olderThan` uses. */
      retentionDays?: number | "never";
      cancellations?: ExecutionCancellations;
    } = {},
  ) {}

  /** Ends every events stream this process serves (it is shutting down: clients reconnect elsewhere). */
  private readonly streams = new AbortController();
  endStreams(): void {
    this.streams.abort();
  }

  /** @param id the new execution's id (a random UUID unless given: startAndWait listens for it first) */
  async start(input: StartExecution, id: string = randomUUID()): Promise<ExecutionRow> {
    return (await this.launch(input, id, null))!;
  }

  /**
   * `start`, idempotent under `key` for 24 h in the run's scope: a repeat answers the run the first
   * start under that key recorded (`replayed`), even after it ended, and starts nothing. The key is
   * looked at before anything is checked, so a repeat gets the first answer even when the run
   * would now be refused (a secret deleted since). Concurrent starts under one key record one run
   * (ExecutionKeys). A key names one workflow: another workflow under it is refused (409).
   */
  async startOnce(input: StartExecution, key: string): Promise<KeyedStart> {
    return this.underKey(input, key, (id) => this.launch(input, id, key));
  }

  /**
   * Records, under `key`, a run that was refused before it could start (a schedule's fire whose
   * workflow is gone, whose params no longer fit, whose secrets are missing) as failed with `error`.
   */
  recordRefusedOnce(input: StartExecution, key: string, error: string): Promise<KeyedStart> {
    return this.underKey(input, key, async (id) => {
      const row = ExecutionStore.newRow({ ...this.newExecution(input, input.workflow, id, false), ended: { error } });
      return (await this.store.createUnderKey(row, key)) ? row : null;
    });
  }

  private async underKey(
    input: StartExecution,
    key: string,
    attempt: (id: string) => Promise<ExecutionRow | null>,
  ): Promise<KeyedStart> {
    const scope = scopeId(input.scope);
    for (let i = 0; ; i++) {
      const heldBy = await this.store.keys.find(scope, key);
      if (heldBy) {
        const first = await this.store.find(heldBy);
        if (first) {
          if (first.workflow !== input.workflow) throw new IdempotencyKeyReusedError(first.workflow, input.workflow);
          return { row: first, replayed: true };
        }
        // Its run is gone (deleted): the key names nothing any more.
        await this.store.keys.release(scope, key, heldBy);
      }
      const row = await attempt(randomUUID());
      if (row) return { row, replayed: false };
      if (i + 1 >= KEY_ATTEMPTS)
        throw new Error(
          `Could not start under idempotency key after ${KEY_ATTEMPTS} attempts: the key kept changing hands`,
        );
    }
  }

  /**
   * Checks everything that can refuse the run, records it (under `key` when given) and queues it.
   * @returns the row, or null when `key` was claimed by another start meanwhile (nothing written)
   */
  private async launch(input: StartExecution, id: string, key: string | null): Promise<ExecutionRow | null> {
    const definition = this.catalog.get(input.workflow);
    if (!definition) throw new WorkflowNotFoundError(input.workflow);
    await this.catalog.validateParams(definition.name, input.params ?? {});
    const absent = definition.userConfig.filter((name) => !(name in input.userConfig));
    if (absent.length > 0) throw new UserConfigMissingError(definition.name, absent);
    const missing = await this.configs.missingSecrets(input.scope, definition.secrets);
    if (missing.length > 0) {
      throw new SecretsMissingError(
        definition.name,
        input.scope.kind === "global" ? "global scope" : `org "${input.scope.org.name}"`,
        missing,
      );
    }
    this.queue.assertAvailable();

    const userConfig = sealUserConfig(this.cipher, input.userConfig);
    const fields = this.newExecution(input, definition.name, id, userConfig !== null);
    let row: ExecutionRow;
    if (key === null) row = await this.store.create(fields);
    else {
      row = ExecutionStore.newRow(fields);
      if (!(await this.store.createUnderKey(row, key))) return null;
    }
    try {
      await this.queue.enqueue(
        { executionId: row.id, scope: row.scope, userConfig },
        { workflow: definition.name, attempts: definition.retries + 1 },
      );
    } catch (error) {
      await this.store.discard(row.id, key === null ? undefined : { scope: row.scope, key });
      throw error;
    }
    return row;
  }

  private newExecution(input: StartExecution, workflow: string, id: string, hasUserConfig: boolean): NewExecution {
    return {
      id,
      workflow,
      scope: input.scope,
      params: input.params ?? {},
      createdBy: input.actor,
      hasUserConfig,
      authority: input.authority,
      trigger: input.trigger ?? "api",
    };
  }

  async find(id: string): Promise<ExecutionRow> {
    const row = await this.store.find(id);
    if (!row) throw new ExecutionNotFoundError(id);
    return row;
  }

  list(filter: ExecutionFilter): Promise<ExecutionRow[]> {
    return this.store.list(filter);
  }

  /**
   * Deletes (or counts, `dryRun`) the executions that ended more than `olderThanMs` ago (default:
   * the retention setting), with their log lines.
   */
  async prune(olderThanMs: number | undefined, dryRun: boolean): Promise<PruneResult> {
    const { retention, retentionDays = "never" } = this.extras;
    if (!retention) throw new Error("Pruning runs in API processes only");
    const ms = olderThanMs ?? (retentionDays === "never" ? undefined : retentionDays * 86_400_000);
    if (ms === undefined)
      throw new ValidationError([
        { path: "body.olderThan", message: "is required: BIFROST_EXECUTION_RETENTION_DAYS is never" },
      ]);
    return retention.pruneExecutions(new Date(Date.now() - ms), dryRun);
  }

  stats(filter: { scope?: string; since?: Date; until?: Date }): Promise<ExecutionStats> {
    return this.store.stats(filter);
  }

  /**
   * Re-reads the execution until it has ended or `timeoutMs` has passed, woken by the worker's
   * "finished" notice. Returns the row as it is at that point.
   */
  waitForEnd(id: string, timeoutMs: number): Promise<ExecutionRow> {
    return this.whileListening(id, timeoutMs, async () => null);
  }

  /**
   * `start`, then `waitForEnd`, listening for the end before the run is queued: so the row just
   * created need not be read again to learn that it has not ended yet (one query less).
   * @param id the new execution's id, when the caller must know it before the end (to cancel it)
   */
  startAndWait(input: StartExecution, timeoutMs: number, id: string = randomUUID()): Promise<ExecutionRow> {
    return this.whileListening(id, timeoutMs, () => this.start(input, id));
  }

  /**
   * Listens for `id`'s "finished" notice, runs `first` (which may give the row as it is now),
   * then waits until the row has ended or `timeoutMs` has passed: a notice that carries the ended
   * row ends the wait; one without it, or WAIT_POLL_MS without a notice, means reading the row.
   */
  private async whileListening(
    id: string,
    timeoutMs: number,
    first: () => Promise<ExecutionRow | null>,
  ): Promise<ExecutionRow> {
    const deadline = Date.now() + timeoutMs;
    let notified = false;
    let ended: ExecutionRow | null = null;
    let wake = () => {};
    const stop = this.signals.onFinished(id, (_, row) => {
      notified = true;
      ended ??= row;
      wake();
    });
    try {
      let known = await first();
      for (;;) {
        if (ended) return ended;
        let row = known;
        known = null;
        if (!row || notified) {
          // Reset first: a notice that comes while this read runs makes the loop read again.
          notified = false;
          row = await this.find(id);
        }
        const left = deadline - Date.now();
        if (isFinal(row.status) || left <= 0) return row;
        if (notified) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, WAIT_POLL_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      stop();
    }
  }

  /**
   * A pending execution is cancelled at once (its job is dropped, or skipped by the worker that
   * takes it); a running one is told to stop through `ctx.signal`, and this waits a little for
   * its worker to store the `cancelled` end.
   */
  async cancel(row: ExecutionRow, actor?: string): Promise<ExecutionRow> {
    if (isFinal(row.status)) throw new ExecutionFinishedError(row.id, row.status);
    if (actor) await this.extras.cancellations?.record(row.id, row.scope, actor);
    if (row.status === "pending" && (await this.store.cancelPending(row.id))) {
      await this.queue.remove(row.id);
      await this.signals.publishFinished(row.id);
      return this.find(row.id);
    }
    // It started meanwhile, or was running: only its worker can stop it.
    await this.signals.publishCancel(row.id);
    return this.waitForEnd(row.id, CANCEL_WAIT_MS);
  }

  /** @param scope the run's scope when the caller has it already (saves reading the org's name) */
  async view(row: ExecutionRow, scope?: Scope): Promise<ExecutionView> {
    const view = await this.plainView(row, scope);
    const by = await this.cancelledBy([row]);
    return by.has(row.id) ? { ...view, cancelledBy: by.get(row.id)! } : view;
  }

  private async plainView(row: ExecutionRow, scope?: Scope): Promise<ExecutionView> {
    const logs = this.allLogs(row);
    if (!row.orgId) return toExecutionView(row, null, await logs);
    if (scope?.kind === "org" && scope.org.id === row.orgId) return toExecutionView(row, scope.org.name, await logs);
    const [names, lines] = await Promise.all([this.store.orgNames([row.orgId]), logs]);
    return toExecutionView(row, names.get(row.orgId) ?? null, lines);
  }

  /** Every line stored so far (a run that has not logged yet costs no read: it is still pending). */
  private async allLogs(row: ExecutionRow): Promise<StoredLogEntry[]> {
    if (row.status === "pending" && row.attempts === 0) return [];
    const lines = await this.store.logs.all(row.id);
    return lines.length > 0 ? lines : legacyLogs(row);
  }

  /** The run's lines after seq `after` and its status changes, until it ends or `signal` aborts (GET /api/executions/:id/events). */
  follow(id: string, after: number, signal: AbortSignal): AsyncGenerator<FollowEvent> {
    return followExecution(
      id,
      after,
      (from, limit) => this.logsAfter(id, from, limit),
      this.signals,
      AbortSignal.any([signal, this.streams.signal]),
    );
  }

  /** Lines after seq `after` (at most `limit`), and the run's status read before them: a status that is final means no line is missing. */
  async logsAfter(id: string, after: number, limit: number): Promise<LogPage> {
    const row = await this.find(id);
    let logs = await this.store.logs.after(id, after, limit);
    if (logs.length === 0 && after === 0) logs = legacyLogs(row).slice(0, limit);
    return { logs, status: row.status as ExecutionStatus, nextAfter: logs.at(-1)?.seq ?? after };
  }

  async summaries(rows: ExecutionRow[]): Promise<ExecutionSummary[]> {
    const [names, by] = await Promise.all([this.store.orgNames(rows.map((r) => r.orgId)), this.cancelledBy(rows)]);
    return rows.map((row) => {
      const summary = toExecutionSummary(row, row.orgId ? (names.get(row.orgId) ?? null) : null);
      return by.has(row.id) ? { ...summary, cancelledBy: by.get(row.id)! } : summary;
    });
  }

  /** Who cancelled the cancelled runs among `rows` (one query, none when no row is cancelled). */
  private cancelledBy(rows: ExecutionRow[]): Promise<Map<string, string>> {
    const cancelled = rows.filter((r) => r.status === "cancelled").map((r) => r.id);
    return this.extras.cancellations && cancelled.length
      ? this.extras.cancellations.cancelledBy(cancelled)
      : Promise.resolve(new Map());
  }
}
