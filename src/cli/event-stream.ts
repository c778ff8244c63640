import type { EventSourceMessage } from "eventsource-parser";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { StoredLogEntry } from "../executions/execution-log-store.ts";
import type { ApiClient } from "./api-client.ts";
import { CliError } from "./cli-error.ts";

/** Reads a text/event-stream body event by event. */
function readSse(body: ReadableStream<Uint8Array>): AsyncIterable<EventSourceMessage> {
  return body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream()) as unknown as AsyncIterable<EventSourceMessage>;
}

/** How often a dropped stream is opened again before giving up. */
const RECONNECTS = 5;

/**
 * Follows an execution's lines (GET /api/executions/:id/events) until it has ended or `until`
 * passes: calls `onLine` for each line, in seq order, and returns the last status. A dropped
 * connection is opened again after the last seq seen (Last-Event-ID), so no line is shown twice.
 * @param after the last seq already shown
 */
export async function followExecution(
  api: ApiClient,
  id: string,
  onLine: (line: StoredLogEntry) => void,
  options: { after?: number; until?: number } = {},
): Promise<string | null> {
  let after = options.after ?? 0;
  let status: string | null = null;
  let failures = 0;
  const stop = new AbortController();
  const timer =
    options.until === undefined ? undefined : setTimeout(() => stop.abort(), Math.max(0, options.until - Date.now()));
  try {
    for (;;) {
      try {
        const response = await api.send("GET", `/api/executions/${encodeURIComponent(id)}/events`, {
          headers: { "last-event-id": String(after) },
          stream: true,
          signal: stop.signal,
        });
        for await (const event of readSse(response.body!)) {
          failures = 0;
          if (event.event === "log") {
            const line = JSON.parse(event.data) as StoredLogEntry;
            if (line.seq <= after) continue;
            after = line.seq;
            onLine(line);
          } else if (event.event === "status") status = (JSON.parse(event.data) as { status: string }).status;
        }
        // The server ends the stream when the run has ended.
        if (status !== null && status !== "pending" && status !== "running") return status;
      } catch (error) {
        if (stop.signal.aborted) return status;
        if (error instanceof CliError || ++failures > RECONNECTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * failures));
      }
      if (stop.signal.aborted) return status;
    }
  } finally {
    clearTimeout(timer);
  }
}
