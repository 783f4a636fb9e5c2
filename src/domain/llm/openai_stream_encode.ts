import type { Json } from "./decode.ts";
import { finishFromStop, usageToOpenAi } from "./openai_response.ts";
import type { StreamEvent, Usage } from "./types.ts";
import { ZERO_USAGE } from "./types.ts";

/** Canonical events → OpenAI chunks; the usage chunk is sent only when the caller asked for it. */
export interface StreamEncoder {
  /** SSE data payloads (`[DONE]` included) for one canonical event. */
  push(event: StreamEvent): string[];
}

interface EncodeState {
  readonly created: number;
  readonly includeUsage: boolean;
  id: string;
  model: string;
  toolCount: number;
  usage: Usage;
}

export function createOpenAiChunkEncoder(created: number, includeUsage: boolean): StreamEncoder {
  const state: EncodeState = {
    created,
    includeUsage,
    id: "chatcmpl-gateway",
    model: "",
    toolCount: -1,
    usage: ZERO_USAGE,
  };
  return { push: (event) => encodeEvent(state, event) };
}

function chunk(state: EncodeState, delta: Json, finish: string | null = null): string {
  return JSON.stringify({
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

function encodeEvent(state: EncodeState, event: StreamEvent): string[] {
  switch (event.type) {
    case "message_start":
      state.id = event.message.id.startsWith("chatcmpl") ? event.message.id : `chatcmpl-${event.message.id}`;
      state.model = event.message.model;
      state.usage = event.message.usage;
      return [chunk(state, { role: "assistant", content: "" })];
    case "content_block_start": {
      if (event.content_block.type !== "tool_use") return [];
      state.toolCount++;
      const { id, name } = event.content_block;
      const call = { index: state.toolCount, id, type: "function", function: { name, arguments: "" } };
      return [chunk(state, { tool_calls: [call] })];
    }
    case "content_block_delta":
      if (event.delta.type === "text_delta") return [chunk(state, { content: event.delta.text })];
      if (event.delta.type !== "input_json_delta") return [];
      return [
        chunk(state, {
          tool_calls: [{ index: state.toolCount, function: { arguments: event.delta.partial_json } }],
        }),
      ];
    case "message_delta":
      state.usage = { ...state.usage, ...event.usage };
      return [chunk(state, {}, finishFromStop(event.delta.stop_reason) ?? "stop")];
    case "message_stop":
      return [...(state.includeUsage ? [usageChunk(state)] : []), "[DONE]"];
    case "error":
      return [
        JSON.stringify({
          error: { type: event.error.type, code: event.error.type, message: event.error.message },
        }),
      ];
    default:
      return [];
  }
}

function usageChunk(state: EncodeState): string {
  const { id, created, model } = state;
  return JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [],
    usage: usageToOpenAi(state.usage),
  });
}
