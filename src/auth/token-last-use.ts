import type { Logger } from "../logging/logger.ts";
import type { TokenStore } from "./token-store.ts";

/** How stale a token's `lastUsedAt` may get: it is written at most this often per token. */
export const LAST_USE_INTERVAL_MS = 60_000;

/**
 * Records when each token was last used, at most once a minute per token and off the request's
 * path: the request never waits for the write, and a failed write is only logged (at debug).
 * The stored `lastUsedAt`, which the authenticating query reads anyway, says whether a write is
 * due; a conditional UPDATE keeps other API processes from writing it again within the minute,
 * and in this process at most one write per token is in flight.
 */
export class TokenLastUse {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Pick<TokenStore, "touchLastUse">,
    private readonly logger?: Logger,
  ) {}

  /** @param stored the token's `lastUsedAt` as the authenticating query read it */
  record(tokenId: string, stored: Date | null, now = new Date()): void {
    if (stored && now.getTime() - stored.getTime() < LAST_USE_INTERVAL_MS) return;
    if (this.inFlight.has(tokenId)) return;
    const staleBefore = new Date(now.getTime() - LAST_USE_INTERVAL_MS);
    const write = this.store
      .touchLastUse(tokenId, now, staleBefore)
      .then(
        () => undefined,
        (error: unknown) => this.logger?.debug({ err: error, tokenId }, "could not record a token's last use"),
      )
      .finally(() => this.inFlight.delete(tokenId));
    this.inFlight.set(tokenId, write);
  }

  /** Resolves once every write started so far has ended (before closing the database; tests). */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }
}
