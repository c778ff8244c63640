import { SecretScrubber } from "../src/secrets/index.ts";
import type { WorkflowThread } from "../src/workflows/workflow-thread.ts";

/** Values a thread may be handed before it is retired (its module state, and this index, go with it). */
export const MAX_THREAD_SECRETS = 2_000;
/** Values kept in a small index of their own before the thread's index is built again with them. */
const RECENT_LIMIT = 32;

/**
 * The secret values one thread was handed: secrets its runs read or wrote, and their per-user
 * config. Runs share a thread's module state, so code that keeps one (a client cached at module
 * level, say) can show it in a later run, of another org or user: each run's output is scrubbed of
 * every value its thread was handed, not only of its own.
 */
export class ThreadSecrets {
  private readonly values = new Set<string>();
  private indexed = new SecretScrubber([]);
  private recent: string[] = [];
  private cached: SecretScrubber | null = null;

  get size(): number {
    return this.values.size;
  }

  add(value: string): void {
    if (this.values.has(value)) return;
    this.values.add(value);
    this.recent.push(value);
    this.cached = null;
  }

  /** A scrubber of every value handed so far (reused until another comes). */
  scrubber(): SecretScrubber {
    if (this.cached) return this.cached;
    if (this.recent.length > RECENT_LIMIT) {
      this.indexed = new SecretScrubber(this.values);
      this.recent = [];
    }
    this.cached = this.recent.length === 0 ? this.indexed : this.indexed.with(this.recent);
    return this.cached;
  }
}

const byThread = new WeakMap<WorkflowThread, ThreadSecrets>();

export function threadSecrets(thread: WorkflowThread): ThreadSecrets {
  let secrets = byThread.get(thread);
  if (!secrets) byThread.set(thread, (secrets = new ThreadSecrets()));
  return secrets;
}
