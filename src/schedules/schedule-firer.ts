import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { isBifrostError } from "../errors/index.ts";
import type { ExecutionService } from "../executions/execution-service.ts";
import { isFinal } from "../executions/execution-status.ts";
import type { ExecutionStore } from "../executions/execution-store.ts";
import type { Logger } from "../logging/logger.ts";
import { GLOBAL_SCOPE, orgScope, type OrgService } from "../orgs/index.ts";
import { SCHEDULES_QUEUE, fireOf, type FireJobData, type ScheduleQueue } from "./schedule-queue.ts";
import type { ScheduleStore } from "./schedule-store.ts";

/** What became of one fire. */
export type FireOutcome =
  | { kind: "started" | "refused" | "repeated"; executionId: string }
  | { kind: "skipped"; lastExecutionId: string }
  | { kind: "dropped"; reason: "gone" | "paused" };

/** Refusals of a run that are the schedule's own problem (recorded as a failed run), not the platform's (retried). */
const REFUSALS = new Set(["WORKFLOW_NOT_FOUND", "VALIDATION_ERROR", "SECRETS_MISSING"]);

/** Fires one worker handles at once: each is a few reads and writes. */
const CONCURRENCY = 20;

export interface ScheduleFirerDeps {
  schedules: ScheduleStore;
  queue: ScheduleQueue;
  executions: ExecutionService;
  executionStore: ExecutionStore;
  orgs: OrgService;
  logger: Logger;
  /** A connection BullMQ may block on (maxRetriesPerRequest: null). */
  connection: Redis;
  prefix: string;
}

/**
 * Turns each fire of a schedule into one run. It takes the fire jobs of the `schedules` queue (in
 * every worker process; BullMQ gives each job to one of them), reads the schedule's row (the
 * truth: a deleted or paused schedule's fire is dropped, and its job scheduler removed), skips
 * the fire while the last run is pending or running when `overlap` is `skip`, and starts the run
 * for the schedule's scope under the fire's key (`schedule:<id>:<fire ms>`, ExecutionKeys): a
 * second attempt at one fire, in any process, starts nothing. A run refused for the schedule's
 * own reasons (its workflow gone, its params no longer valid, a declared secret missing) is
 * recorded as a failed execution saying why, so that the fire is not silently lost.
 */
export class ScheduleFirer {
  private readonly worker: Worker<FireJobData>;

  constructor(private readonly deps: ScheduleFirerDeps) {
    this.worker = new Worker<FireJobData>(SCHEDULES_QUEUE, (job) => this.process(job), {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: CONCURRENCY,
      autorun: false,
    });
    this.worker.on("error", (error) => {
      if (!/ECONNREFUSED|ETIMEDOUT|Connection is closed|ENOTFOUND|EHOSTUNREACH/.test(error.message))
        deps.logger.error({ err: error }, "schedule worker error");
    });
    this.worker.on("failed", (job, error) =>
      deps.logger.error({ err: error, jobId: job?.id }, "a schedule's fire could not be handled"),
    );
  }

  start(): void {
    void this.worker.run().catch((error) => this.deps.logger.error({ err: error }, "schedule worker stopped"));
  }

  async close(): Promise<void> {
    await this.worker.close();
  }

  private async process(job: Job<FireJobData>): Promise<FireOutcome> {
    const fire = fireOf(job.id);
    if (!fire) throw new UnrecoverableError(`not a schedule's fire: job ${job.id}`);
    return this.fire(fire.scheduleId, fire.fireAt);
  }

  /** Handles the fire of `scheduleId` due at `fireAt`. */
  async fire(scheduleId: string, fireAt: Date): Promise<FireOutcome> {
    const { schedules, queue, executions, executionStore, orgs, logger } = this.deps;
    const schedule = await schedules.find(scheduleId);
    if (!schedule || !schedule.enabled) {
      await queue.remove(scheduleId);
      return { kind: "dropped", reason: schedule ? "paused" : "gone" };
    }
    const key = `schedule:${schedule.id}:${fireAt.getTime()}`;
    if (schedule.overlap === "skip" && schedule.lastExecutionId) {
      const last = await executionStore.find(schedule.lastExecutionId);
      if (last && !isFinal(last.status) && !(await this.isThisFire(schedule.scope, key, last.id))) {
        logger.info(
          { schedule: schedule.id, workflow: schedule.workflow, lastExecutionId: last.id, fireAt },
          "schedule fire skipped: its last run has not ended (overlap: skip)",
        );
        return { kind: "skipped", lastExecutionId: last.id };
      }
    }
    const scope = schedule.orgId ? orgScope(await orgs.get(schedule.orgId)) : GLOBAL_SCOPE;
    const input = {
      workflow: schedule.workflow,
      scope,
      params: JSON.parse(schedule.params),
      userConfig: {},
      actor: `schedule:${schedule.id}`,
      authority: "scope" as const,
      trigger: "schedule" as const,
    };
    let started;
    let kind: "started" | "refused";
    try {
      started = await executions.startOnce(input, key);
      kind = "started";
    } catch (error) {
      if (!isBifrostError(error) || !REFUSALS.has(error.code)) throw error;
      started = await executions.recordRefusedOnce(
        input,
        key,
        `The schedule's fire at ${fireAt.toISOString()} could not start a run: ${error.code}: ${error.message}`,
      );
      kind = "refused";
    }
    await schedules.markFired(schedule.id, fireAt, started.row.id);
    return { kind: started.replayed ? "repeated" : kind, executionId: started.row.id };
  }

  /** Whether `executionId` is this fire's own run (a second attempt at a fire already started). */
  private async isThisFire(scope: string, key: string, executionId: string): Promise<boolean> {
    return (await this.deps.executionStore.keys.find(scope, key)) === executionId;
  }
}
