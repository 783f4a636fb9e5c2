import type { StreamEncoder } from "./openai_stream_encode.ts";
import type { Block, LlmMessage, StopReason, StreamEvent, Usage } from "./types.ts";
import { ZERO_USAGE } from "./types.ts";

/** Canonical → Gemini `generateContent` responses (whole, or `streamGenerateContent?alt=sse` chunks). */
export function finishFromStopGemini(reason: StopReason | null): string {
  return reason === "max_tokens" ? "MAX_TOKENS" : reason === "refusal" ? "SAFETY" : "STOP";
}

export function usageToGemini(usage: Usage): Record<string, unknown> {
  const prompt = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: usage.output_tokens,
    totalTokenCount: prompt + usage.output_tokens,
    ...(usage.cache_read_input_tokens > 0 ? { cachedContentTokenCount: usage.cache_read_input_tokens } : {}),
  };
}

function partOf(block: Block): Record<string, unknown>[] {
  if (block.type === "text") return [{ text: block.text }];
  if (block.type === "tool_use") return [{ functionCall: { name: block.name, args: block.input ?? {} } }];
  return [];
}

export function encodeGeminiResponse(message: LlmMessage): Record<string, unknown> {
  return {
    candidates: [{
      content: { role: "model", parts: message.content.flatMap(partOf) },
      finishReason: finishFromStopGemini(message.stop_reason),
      index: 0,
    }],
    usageMetadata: usageToGemini(message.usage),
    modelVersion: message.model,
    responseId: message.id,
  };
}

interface EncodeState {
  model: string;
  id: string;
  usage: Usage;
  readonly tools: Map<number, { name: string; json: string }>;
}

/** Text deltas go out as they come; a function call goes out whole when its block closes. */
export function createGeminiChunkEncoder(): StreamEncoder {
  const state: EncodeState = { model: "", id: "", usage: ZERO_USAGE, tools: new Map() };
  return { push: (event) => encodeEvent(state, event) };
}

function chunk(state: EncodeState, parts: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    candidates: [{
      content: { role: "model", parts },
      index: 0,
      ...(extra["finishReason"] ? { finishReason: extra["finishReason"] } : {}),
    }],
    ...(extra["usageMetadata"] ? { usageMetadata: extra["usageMetadata"] } : {}),
    modelVersion: state.model,
    responseId: state.id,
  });
}

function encodeEvent(state: EncodeState, event: StreamEvent): string[] {
  switch (event.type) {
    case "message_start":
      state.model = event.message.model;
      state.id = event.message.id;
      state.usage = event.message.usage;
      return [];
    case "content_block_start":
      if (event.content_block.type === "tool_use") {
        state.tools.set(event.index, { name: event.content_block.name, json: "" });
      }
      return [];
    case "content_block_delta": {
      if (event.delta.type === "text_delta") return [chunk(state, [{ text: event.delta.text }])];
      const tool = state.tools.get(event.index);
      if (tool && event.delta.type === "input_json_delta") tool.json += event.delta.partial_json;
      return [];
    }
    case "content_block_stop": {
      const tool = state.tools.get(event.index);
      if (!tool) return [];
      state.tools.delete(event.index);
      return [chunk(state, [{ functionCall: { name: tool.name, args: parseArgs(tool.json) } }])];
    }
    case "message_delta":
      state.usage = { ...state.usage, ...event.usage };
      return [
        chunk(state, [], {
          finishReason: finishFromStopGemini(event.delta.stop_reason),
          usageMetadata: usageToGemini(state.usage),
        }),
      ];
    case "error":
      return [JSON.stringify({ error: { code: 500, message: event.error.message, status: "INTERNAL" } })];
    default:
      return [];
  }
}

function parseArgs(json: string): unknown {
  try {
    return json ? JSON.parse(json) : {};
  } catch {
    return {};
  }
}
