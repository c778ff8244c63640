import { randomUUID } from "node:crypto";
import type { ConfigService } from "../configs/index.ts";
import { ExecutionFinishedError, ExecutionNotFoundError, SecretsMissingError, WorkflowNotFoundError } from "../errors/index.ts";
import type { Scope } from "../orgs/index.ts";
import type { SecretCipher } from "../secrets/index.ts";
import type { WorkflowCatalog } from "../workflows/index.ts";
import type { ExecutionQueue } from "./execution-queue.ts";
import type { ExecutionSignals } from "./execution-signals.ts";
import { isFinal } from "./execution-status.ts";
import type { ExecutionFilter, ExecutionStore, RunAuthority } from "./execution-store.ts";
import { toExecutionSummary, toExecutionView, type ExecutionRow, type ExecutionSummary, type ExecutionView } from "./execution-view.ts";
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
}

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
  ) {}

  /** @param id the new execution's id (a random UUID unless given: startAndWait listens for it first) */
  async start(input: StartExecution, id: string = randomUUID()): Promise<ExecutionRow> {
    const definition = this.catalog.get(input.workflow);
    if (!definition) throw new WorkflowNotFoundError(input.workflow);
    await this.catalog.validateParams(definition.name, input.params ?? {});
    const missing = await this.configs.missingSecrets(input.scope, definition.secrets);
    if (missing.length > 0) {
      throw new SecretsMissingError(definition.name, input.scope.kind === "global" ? "global scope" : `org "${input.scope.org.name}"`, missing);
    }
    this.queue.assertAvailable();

    const userConfig = sealUserConfig(this.cipher, input.userConfig);
    const row = await this.store.create({
      id,
      workflow: definition.name,
      scope: input.scope,
      params: input.params ?? {},
      createdBy: input.actor,
      hasUserConfig: userConfig !== null,
      authority: input.authority,
    });
    try {
      await this.queue.enqueue({ executionId: row.id, scope: row.scope, userConfig }, { workflow: definition.name, attempts: definition.retries + 1 });
    } catch (error) {
      await this.store.discard(row.id);
      throw error;
    }
    return row;
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
   * Re-reads the execution until it has ended or `timeoutMs` has passed, woken by the worker's
   * "finished" notice. Returns the row as it is at that point.
   */
  waitForEnd(id: string, timeoutMs: number): Promise<ExecutionRow> {
    return this.whileListening(id, timeoutMs, async () => null);
  }

  /**
   * `start`, then `waitForEnd`, listening for the end before the run is queued: so the row just
   * created need not be read again to learn that it has not ended yet (one query less).
   */
  startAndWait(input: StartExecution, timeoutMs: number): Promise<ExecutionRow> {
    const id = randomUUID();
    return this.whileListening(id, timeoutMs, () => this.start(input, id));
  }

  /**
   * Listens for `id`'s "finished" notice, runs `first` (which may give the row as it is now),
   * then waits until the row has ended or `timeoutMs` has passed: a notice that carries the ended
   * row ends the wait; one without it, or WAIT_POLL_MS without a notice, means reading the row.
   */
  private async whileListening(id: string, timeoutMs: number, first: () => Promise<ExecutionRow | null>): Promise<ExecutionRow> {
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
  async cancel(row: ExecutionRow): Promise<ExecutionRow> {
    if (isFinal(row.status)) throw new ExecutionFinishedError(row.id, row.status);
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
    if (!row.orgId) return toExecutionView(row, null);
    if (scope?.kind === "org" && scope.org.id === row.orgId) return toExecutionView(row, scope.org.name);
    const names = await this.store.orgNames([row.orgId]);
    return toExecutionView(row, names.get(row.orgId) ?? null);
  }

  async summaries(rows: ExecutionRow[]): Promise<ExecutionSummary[]> {
    const names = await this.store.orgNames(rows.map((r) => r.orgId));
    return rows.map((row) => toExecutionSummary(row, row.orgId ? (names.get(row.orgId) ?? null) : null));
  }
}
