import type { EventSourceMessage } from "eventsource-parser";
import { EventSourceParserStream } from "eventsource-parser/stream";

/** One Server-Sent Event: `event` is "message" when the stream named none. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Reads a text/event-stream response with fetch, event by event (eventsource-parser, as the CLI and console do). */
export async function* readSse(response: Response): AsyncGenerator<SseEvent> {
  const events = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const message of events as unknown as AsyncIterable<EventSourceMessage>) {
    yield { id: message.id, event: message.event ?? "message", data: message.data };
  }
}
