import { Redis } from "ioredis";
import type { Logger } from "../logging/logger.ts";

export interface RedisConnectionOptions {
  /**
   * Fail commands at once while disconnected instead of queueing them (for request paths, which
   * must answer 503 rather than hang). Blocking users (BullMQ workers, subscribers) keep the default.
   */
  failFast?: boolean;
  /** Named in log lines, e.g. "queue", "worker", "events". */
  role: string;
}

// Whether this process last reported the Redis at a URL as down: an outage is one line per
// process, however many connections (queue, worker, pub/sub) notice it.
const reportedDown = new Map<string, boolean>();

/**
 * One ioredis connection. It reconnects by itself for ever (backing off to 2 s); an outage is
 * logged once ("unreachable", then "reachable again"), never once per retry or per connection.
 */
export function createRedisConnection(url: string, logger: Logger, options: RedisConnectionOptions): Redis {
  const redis = new Redis(url, {
    // BullMQ requires this for connections it blocks on; the request path relies on failFast instead.
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  redis.on("error", (error: Error & { code?: string }) => {
    if (reportedDown.get(url)) return;
    reportedDown.set(url, true);
    logger.warn({ role: options.role }, redisUnreachableMessage(url, error.code ?? error.message));
  });
  redis.on("ready", () => {
    if (!reportedDown.get(url)) return;
    reportedDown.set(url, false);
    logger.info({ role: options.role, redis: displayRedisUrl(url) }, "Redis is reachable again");
  });
  return redis;
}

/** The one line an operator sees when Redis is down: where we looked, and what to do. */
export function redisUnreachableMessage(url: string, reason: string): string {
  return `Redis at ${displayRedisUrl(url)} is unreachable (${reason}): executions cannot run until it is back. Start a local one with \`redis-server --daemonize yes\`, or set REDIS_URL.`;
}

/** Waits until `redis` is ready, up to `timeoutMs`; false when it is not. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once("ready", onReady);
  });
}

/** The URL without its password, safe to print. */
export function displayRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
