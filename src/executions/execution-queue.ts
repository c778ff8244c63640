import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { QueueUnavailableError } from "../errors/index.ts";
import { displayRedisUrl } from "../queue/redis-connection.ts";

export const EXECUTIONS_QUEUE = "executions";

/**
 * A job carries what the database must not hold (the per-user config, Fernet-encrypted) and the
 * run's scope, so that a worker can read what the run needs from it while it claims the run.
 * Workflow and params are read from the execution row, which stays the truth (for the scope too).
 */
export interface ExecutionJobData {
  executionId: string;
  /** "global" or the org id: the row's `scope`. Absent in jobs queued before it was added. */
  scope?: string;
  /** Fernet token of the JSON object of `Config-*` header values, or null when there were none. */
  userConfig: string | null;
}

export interface EnqueueOptions {
  /** The BullMQ job name: the workflow, so queue dashboards say what runs. */
  workflow: string;
  /** Total runs allowed: the workflow's retries + 1. */
  attempts: number;
}

/**
 * The producer side of the executions queue. Its connection fails fast: while Redis is down,
 * `enqueue` throws QueueUnavailableError at once instead of queueing the command in memory.
 */
export class ExecutionQueue {
  readonly queue: Queue<ExecutionJobData>;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    private readonly redisUrl: string,
  ) {
    this.queue = new Queue<ExecutionJobData>(EXECUTIONS_QUEUE, { connection: redis, prefix });
    // Connection errors are logged once by the connection itself; without a listener an 'error'
    // event would crash the process.
    this.queue.on("error", () => {});
  }

  get available(): boolean {
    return this.redis.status === "ready";
  }

  assertAvailable(): void {
    if (!this.available) throw new QueueUnavailableError(displayRedisUrl(this.redisUrl));
  }

  async enqueue(data: ExecutionJobData, options: EnqueueOptions): Promise<void> {
    this.assertAvailable();
    try {
      await this.queue.add(options.workflow, data, {
        // The execution id as job id: enqueueing one execution twice is a no-op.
        jobId: data.executionId,
        attempts: options.attempts,
        backoff: { type: "exponential", delay: 1_000 },
        // The job's data (the encrypted per-user config) goes when the run ends, whatever the end.
        removeOnComplete: true,
        removeOnFail: true,
      });
    } catch (error) {
      throw new QueueUnavailableError(displayRedisUrl(this.redisUrl), { cause: error });
    }
  }

  /** Drops a job that has not started (best effort: a job a worker holds is locked). */
  async remove(executionId: string): Promise<void> {
    if (!this.available) return;
    await this.queue.remove(executionId).catch(() => 0);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
