import type { Logger } from "../src/logging/logger.ts";
import type { WorkflowCatalog } from "../src/workflows/workflow-catalog.ts";
import { ThreadPool, type ThreadPoolOptions } from "./thread-pool.ts";

/**
 * A worker's thread pool for the catalog's current generation of the workflow code. When the
 * catalog reloads, a pool for the new generation starts (its threads load the new files), new
 * runs go to it, and the previous pool drains: its runs finish on the code they started with.
 */
export class PoolGenerations {
  private pool: ThreadPool;
  private readonly draining = new Set<Promise<void>>();
  private readonly stopListening: () => void;
  private swapping: Promise<void> = Promise.resolve();

  constructor(
    private readonly catalog: WorkflowCatalog,
    private readonly options: Omit<ThreadPoolOptions, "snapshot">,
    private readonly logger: Logger,
  ) {
    this.pool = new ThreadPool({ ...options, snapshot: catalog.snapshot });
    this.stopListening = catalog.onChange(() => {
      this.swapping = this.swapping.then(() => this.swap());
    });
  }

  start(): Promise<void> {
    return this.pool.start();
  }

  /** The pool new runs go to. */
  current(): ThreadPool {
    return this.pool;
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.swapping;
    await Promise.all([this.pool.close(), ...this.draining]);
  }

  private async swap(): Promise<void> {
    const next = new ThreadPool({ ...this.options, snapshot: this.catalog.snapshot });
    await next.start();
    const previous = this.pool;
    this.pool = next;
    this.logger.info({ generation: this.catalog.generation, workflows: this.catalog.list().map((w) => w.name) }, "workflow files reloaded: new runs use them, runs in flight finish on the code they started with");
    const drained = previous.drain().finally(() => this.draining.delete(drained));
    this.draining.add(drained);
  }
}
