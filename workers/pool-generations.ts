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
    private readonly options: Omit<ThreadPoolOptions, "snapshot" | "generation">,
    private readonly logger: Logger,
  ) {
    this.pool = new ThreadPool({ ...options, snapshot: catalog.snapshot, generation: catalog.generation });
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

  /**
   * Resolves once the pool runs the catalog's current generation: between a reload and the new
   * pool's threads having loaded it, a workflow the catalog lists may not be in the pool yet.
   */
  async ready(): Promise<void> {
    while (this.pool.generation !== this.catalog.generation) await this.swapping;
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.swapping;
    await Promise.all([this.pool.close(), ...this.draining]);
  }

  private async swap(): Promise<void> {
    if (this.pool.generation === this.catalog.generation) return;
    const next = new ThreadPool({
      ...this.options,
      snapshot: this.catalog.snapshot,
      generation: this.catalog.generation,
    });
    await next.start();
    const previous = this.pool;
    this.pool = next;
    this.logger.info(
      { generation: this.catalog.generation, workflows: this.catalog.list().map((w) => w.name) },
      "workflow files reloaded: new runs use them, runs in flight finish on the code they started with",
    );
    const drained = previous.drain().finally(() => this.draining.delete(drained));
    this.draining.add(drained);
  }
}
