/** One Server-Sent Event as the spec parses it (fields id, event, data). */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads a text/event-stream response with fetch, event by event (a small parser after the
 * WHATWG rules: lines, `field: value`, a blank line ends the event, `:` starts a comment).
 */
export async function* readSse(response: Response): AsyncGenerator<SseEvent> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event: Partial<SseEvent> & { data?: string } = {};
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
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const text = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") event.data = event.data === undefined ? text : `${event.data}\n${text}`;
      else if (field === "event") event.event = text;
      else if (field === "id") event.id = text;
    }
  }
}
