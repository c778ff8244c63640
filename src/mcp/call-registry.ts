/**
 * The tool calls in flight in this process, so that MCP's `notifications/cancelled` can find
 * the one it names. Stateless Streamable HTTP delivers that notification in a request of its own
 * (to a server of its own), so the SDK's per-server `extra.signal` never hears of it.
 *
 * A call is known by the token that made it and its JSON-RPC id: without sessions, that is all a
 * cancellation says. Another client with the same token and id could cancel it, but that token
 * could cancel the run through the API anyway. Across several API processes, a cancellation that
 * lands on another one finds nothing (the run continues; the API's cancel still works).
 */
export class CallRegistry {
  private readonly calls = new Map<string, AbortController>();

  /** Registers a call; the returned controller aborts when it is cancelled. Call `release` when it ends. */
  register(tokenId: string, requestId: string | number): { signal: AbortSignal; release: () => void } {
    const key = keyOf(tokenId, requestId);
    const controller = new AbortController();
    this.calls.set(key, controller);
    return {
      signal: controller.signal,
      release: () => {
        if (this.calls.get(key) === controller) this.calls.delete(key);
      },
    };
  }

  /** @returns whether a call was found (and told to stop) */
  cancel(tokenId: string, requestId: string | number, reason?: string): boolean {
    const controller = this.calls.get(keyOf(tokenId, requestId));
    controller?.abort(reason ?? "cancelled by the client");
    return controller !== undefined;
  }

  get size(): number {
    return this.calls.size;
  }
}

function keyOf(tokenId: string, requestId: string | number): string {
  return `${tokenId}\u0000${typeof requestId}:${requestId}`;
}
