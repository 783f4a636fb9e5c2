/**
 * Server-sent events, both directions. The parser follows the WHATWG rules that matter for LLM
 * streams: lines end with LF, CRLF or CR; `data:` lines of one event join with LF; a blank line
 * dispatches; comments (`:`) and unknown fields are ignored.
 */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event: string | undefined;
  let data: string[] = [];
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: RegExpExecArray | null;
      while ((cut = /\r\n|\r(?!$)|\n/.exec(buffer)) !== null) {
        const line = buffer.slice(0, cut.index);
        buffer = buffer.slice(cut.index + cut[0].length);
        if (line === "") {
          if (data.length > 0) yield { event, data: data.join("\n") };
          event = undefined;
          data = [];
          continue;
        }
        const field = parseField(line);
        if (field?.name === "data") data.push(field.value);
        else if (field?.name === "event") event = field.value;
      }
    }
    if (data.length > 0 || buffer.startsWith("data:")) {
      const field = buffer ? parseField(buffer) : undefined;
      if (field?.name === "data") data.push(field.value);
      if (data.length > 0) yield { event, data: data.join("\n") };
    }
  } finally {
    // Stopping early (client gone, error) cancels the upstream body instead of leaving it open.
    await reader.cancel().catch(() => {});
  }
}

function parseField(line: string): { name: string; value: string } | undefined {
  if (line.startsWith(":")) return undefined;
  const colon = line.indexOf(":");
  if (colon < 0) return { name: line, value: "" };
  const value = line.slice(colon + 1);
  return { name: line.slice(0, colon), value: value.startsWith(" ") ? value.slice(1) : value };
}

export function sseFrame(data: unknown, event?: string): string {
  const json = typeof data === "string" ? data : JSON.stringify(data);
  return event ? `event: ${event}\ndata: ${json}\n\n` : `data: ${json}\n\n`;
}
