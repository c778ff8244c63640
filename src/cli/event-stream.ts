import type { StoredLogEntry } from "../executions/execution-log-store.ts";
import type { ApiClient } from "./api-client.ts";
import { CliError } from "./cli-error.ts";

/** One Server-Sent Event (fields id, event, data). */
interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Reads a text/event-stream body event by event (the WHATWG rules: a blank line ends an event, `:` starts a comment). */
async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event: { id?: string; event?: string; data?: string } = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        if (event.data !== undefined) yield { id: event.id, event: event.event ?? "message", data: event.data };
        event = {};
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const text = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") event.data = event.data === undefined ? text : `${event.data}\n${text}`;
        else if (field === "event") event.event = text;
        else if (field === "id") event.id = text;
      }
    }
  }
}

/** How often a dropped stream is opened again before giving up. */
const RECONNECTS = 5;

/**
 * Follows an execution's lines (GET /api/executions/:id/events) until it has ended or `until`
 * passes: calls `onLine` for each line, in seq order, and returns the last status. A dropped
 * connection is opened again after the last seq seen (Last-Event-ID), so no line is shown twice.
 * @param after the last seq already shown
 */
export async function followExecution(api: ApiClient, id: string, onLine: (line: StoredLogEntry) => void, options: { after?: number; until?: number } = {}): Promise<string | null> {
  let after = options.after ?? 0;
  let status: string | null = null;
  let failures = 0;
  const stop = new AbortController();
  const timer = options.until === undefined ? undefined : setTimeout(() => stop.abort(), Math.max(0, options.until - Date.now()));
  try {
    for (;;) {
      try {
        const response = await api.send("GET", `/api/executions/${encodeURIComponent(id)}/events`, { headers: { "last-event-id": String(after) }, stream: true, signal: stop.signal });
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
