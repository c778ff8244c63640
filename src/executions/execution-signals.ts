import type { Redis } from "ioredis";
import type { Logger } from "../logging/logger.ts";

type Listener = (executionId: string) => void;

/**
 * Cross-process notices over Redis pub/sub: "this execution ended" (workers → API processes
 * waiting on `wait=`) and "cancel this execution" (API → the worker running it). Notices carry
 * only ids. Pub/sub is at-most-once, so waiters also re-read the database now and then.
 */
export class ExecutionSignals {
  private readonly finishedChannel: string;
  private readonly cancelChannel: string;
  private readonly finishedListeners = new Map<string, Set<Listener>>();
  private readonly cancelListeners = new Set<Listener>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.finishedChannel = `${prefix}:executions:finished`;
    this.cancelChannel = `${prefix}:executions:cancel`;
    subscriber.on("message", (channel: string, id: string) => {
      if (channel === this.finishedChannel) for (const listener of this.finishedListeners.get(id) ?? []) listener(id);
      else if (channel === this.cancelChannel) for (const listener of this.cancelListeners) listener(id);
    });
    // ioredis subscribes again by itself after a reconnect.
    subscriber.subscribe(this.finishedChannel, this.cancelChannel).catch((error: Error) => {
      logger.debug({ err: error }, "execution signals: subscribe deferred until Redis is reachable");
    });
  }

  /** Calls `listener` when `executionId` ends; returns the function that stops listening. */
  onFinished(executionId: string, listener: Listener): () => void {
    let listeners = this.finishedListeners.get(executionId);
    if (!listeners) this.finishedListeners.set(executionId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.finishedListeners.delete(executionId);
    };
  }

  onCancel(listener: Listener): () => void {
    this.cancelListeners.add(listener);
    return () => this.cancelListeners.delete(listener);
  }

  async publishFinished(executionId: string): Promise<void> {
    await this.publish(this.finishedChannel, executionId);
  }

  /** @returns how many processes heard it (0 when Redis is down or no worker listens). */
  async publishCancel(executionId: string): Promise<number> {
    return this.publish(this.cancelChannel, executionId);
  }

  private async publish(channel: string, executionId: string): Promise<number> {
    try {
      return await this.publisher.publish(channel, executionId);
    } catch (error) {
      this.logger.debug({ err: error, executionId }, "execution signal not sent (Redis unreachable)");
      return 0;
    }
  }

  async close(): Promise<void> {
    this.finishedListeners.clear();
    this.cancelListeners.clear();
    await this.subscriber.unsubscribe().catch(() => undefined);
  }
}
