import { int, isObject, type Json, str } from "./decode.ts";
import { stopFromFinish, usageFromOpenAi } from "./openai_response.ts";
import type { StopReason, StreamEvent, Usage } from "./types.ts";
import { ZERO_USAGE } from "./types.ts";

/**
 * OpenAI `chat.completion.chunk` streams → canonical stream events: a small state machine that
 * tracks the open content block (text, or one tool call per OpenAI `index`).
 */
export interface StreamDecoder {
  push(chunk: Json): StreamEvent[];
  /** At `[DONE]` or end of body: closes the open block and the message. */
  finish(): StreamEvent[];
}

interface DecodeState {
  readonly fallbackModel: string;
  started: boolean;
  finished: boolean;
  open: { index: number; kind: "text" | "tool"; toolIndex: number } | undefined;
  next: number;
  stop: StopReason | null;
  usage: Usage;
}

export function createOpenAiChunkDecoder(fallbackModel: string): StreamDecoder {
  const state: DecodeState = {
    fallbackModel,
    started: false,
    finished: false,
    open: undefined,
    next: 0,
    stop: null,
    usage: ZERO_USAGE,
  };
  return { push: (chunk) => decodeChunk(state, chunk), finish: () => finishDecode(state) };
}

function decodeChunk(state: DecodeState, chunk: Json): StreamEvent[] {
  const out: StreamEvent[] = [];
  if (!state.started) {
    state.started = true;
    out.push({ type: "message_start", message: startMessage(chunk, state.fallbackModel) });
  }
  if (isObject(chunk["usage"])) state.usage = usageFromOpenAi(chunk["usage"]);
  const choice = Array.isArray(chunk["choices"]) && isObject(chunk["choices"][0])
    ? chunk["choices"][0]
    : undefined;
  if (!choice) return out;
  const delta = isObject(choice["delta"]) ? choice["delta"] : {};
  const text = str(delta["content"]);
  if (text) pushText(state, text, out);
  for (const call of Array.isArray(delta["tool_calls"]) ? delta["tool_calls"] : []) {
    if (isObject(call)) pushToolCall(state, call, out);
  }
  if (choice["finish_reason"] !== null && choice["finish_reason"] !== undefined) {
    state.stop = stopFromFinish(choice["finish_reason"]);
  }
  return out;
}

function closeBlock(state: DecodeState, out: StreamEvent[]): void {
  if (state.open) out.push({ type: "content_block_stop", index: state.open.index });
  state.open = undefined;
}

function pushText(state: DecodeState, text: string, out: StreamEvent[]): void {
  if (state.open?.kind !== "text") {
    closeBlock(state, out);
    state.open = { index: state.next++, kind: "text", toolIndex: -1 };
    out.push({
      type: "content_block_start",
      index: state.open.index,
      content_block: { type: "text", text: "" },
    });
  }
  out.push({ type: "content_block_delta", index: state.open.index, delta: { type: "text_delta", text } });
}

function pushToolCall(state: DecodeState, call: Json, out: StreamEvent[]): void {
  const fn = isObject(call["function"]) ? call["function"] : {};
  const toolIndex = int(call["index"]);
  if (state.open?.kind !== "tool" || state.open.toolIndex !== toolIndex) {
    closeBlock(state, out);
    state.open = { index: state.next++, kind: "tool", toolIndex };
    const id = str(call["id"]) ?? `call_${crypto.randomUUID().slice(0, 8)}`;
    const block = { type: "tool_use" as const, id, name: str(fn["name"]) ?? "", input: {} };
    out.push({ type: "content_block_start", index: state.open.index, content_block: block });
  }
  const args = str(fn["arguments"]);
  if (args) {
    out.push({
      type: "content_block_delta",
      index: state.open.index,
      delta: { type: "input_json_delta", partial_json: args },
    });
  }
}

function finishDecode(state: DecodeState): StreamEvent[] {
  if (state.finished) return [];
  state.finished = true;
  const out: StreamEvent[] = [];
  if (!state.started) out.push({ type: "message_start", message: startMessage({}, state.fallbackModel) });
  closeBlock(state, out);
  // No finish_reason ever came: the upstream stream was cut short.
  if (state.stop === null) {
    out.push({ type: "error", error: { type: "api_error", message: "upstream stream ended early" } });
  }
  out.push({
    type: "message_delta",
    delta: { stop_reason: state.stop ?? "end_turn", stop_sequence: null },
    usage: state.usage,
  });
  out.push({ type: "message_stop" });
  return out;
}

function startMessage(chunk: Json, fallbackModel: string) {
  return {
    id: str(chunk["id"]) ?? `chatcmpl-${crypto.randomUUID()}`,
    type: "message" as const,
    role: "assistant" as const,
    model: str(chunk["model"]) ?? fallbackModel,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: ZERO_USAGE,
  };
}
