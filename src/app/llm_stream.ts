import {
  createStreamRedactor,
  createUpstreamDecoder,
  emptyTally,
  type FindSecrets,
  parseSse,
  type SseEvent,
  type StreamDecoder,
  type StreamEvent,
  type StreamTally,
  tallyEvent,
} from "@domain/llm/mod.ts";
import type { OpenUpstream } from "./llm_upstream.ts";

/**
 * An upstream SSE stream → canonical events → egress redaction → the caller's frames, pulled by
 * the client (backpressure reaches the upstream). The end is reported once, and recorded before
 * the last frame leaves: completed, cut short (an error frame goes out in the caller's dialect), or
 * cancelled by the client (the upstream request is aborted).
 */
export interface StreamPipe {
  readonly open: OpenUpstream;
  readonly find: FindSecrets;
  readonly encode: (event: StreamEvent) => string;
  readonly onEnd: (tally: StreamTally, error: string | undefined) => void;
}

interface PipeState {
  readonly pipe: StreamPipe;
  readonly decoder: StreamDecoder;
  readonly redactor: { push(event: StreamEvent): StreamEvent[] };
  readonly events: AsyncIterator<SseEvent>;
  readonly bytes: TextEncoder;
  tally: StreamTally;
  ended: boolean;
  cancelled: boolean;
}

const CUT_SHORT: StreamEvent = {
  type: "error",
  error: { type: "api_error", message: "upstream stream failed" },
};

export function pipeStream(pipe: StreamPipe): ReadableStream<Uint8Array> {
  const state: PipeState = {
    pipe,
    decoder: createUpstreamDecoder(pipe.open.candidate),
    redactor: createStreamRedactor(pipe.find),
    events: parseSse(pipe.open.response.body ?? new ReadableStream())[Symbol.asyncIterator](),
    bytes: new TextEncoder(),
    tally: emptyTally(),
    ended: false,
    cancelled: false,
  };
  return new ReadableStream<Uint8Array>({
    pull: (controller) => pullNext(state, controller),
    cancel: () => cancelPipe(state),
  });
}

/** Canonical events through redaction into the caller's frames (and the tally). */
function emit(state: PipeState, canonical: readonly StreamEvent[]): string {
  let text = "";
  for (const event of canonical) {
    for (const out of state.redactor.push(event)) {
      state.tally = tallyEvent(state.tally, out);
      text += state.pipe.encode(out);
    }
  }
  return text;
}

function end(state: PipeState, error: string | undefined): void {
  if (state.ended) return;
  state.ended = true;
  state.pipe.open.release();
  state.pipe.onEnd(state.tally, error);
}

async function pullNext(
  state: PipeState,
  controller: ReadableStreamDefaultController<Uint8Array>,
): Promise<void> {
  try {
    while (true) {
      // The deadline measures the upstream's silence, not how slowly the client reads.
      state.pipe.open.touch();
      const next = await state.events.next();
      if (next.done || next.value.data === "[DONE]") return finishStream(state, controller);
      const text = emit(state, state.decoder.push(parseData(next.value.data)));
      if (text) return controller.enqueue(state.bytes.encode(text));
    }
  } catch {
    if (state.cancelled) return;
    const text = emit(state, [CUT_SHORT]);
    end(state, "upstream stream failed");
    controller.enqueue(state.bytes.encode(text));
    controller.close();
  }
}

function finishStream(state: PipeState, controller: ReadableStreamDefaultController<Uint8Array>): void {
  let text = emit(state, state.decoder.finish());
  if (!state.tally.completed && !state.tally.error) text += emit(state, [CUT_SHORT]);
  const { completed, error } = state.tally;
  // Queued for the recorder before the last frame leaves.
  end(state, completed && !error ? undefined : error ?? "upstream stream ended early");
  if (text) controller.enqueue(state.bytes.encode(text));
  controller.close();
}

async function cancelPipe(state: PipeState): Promise<void> {
  state.cancelled = true;
  state.pipe.open.abort();
  end(state, "client closed the stream");
  await state.events.return?.(undefined).catch(() => {});
}

function parseData(data: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value))
      : {};
  } catch {
    return {};
  }
}
