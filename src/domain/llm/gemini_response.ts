import { int, isObject, type Json, str } from "./decode.ts";
import type { StreamDecoder } from "./openai_stream.ts";
import type { Block, LlmMessage, StopReason, StreamEvent, Usage } from "./types.ts";
import { ZERO_USAGE } from "./types.ts";

/** Gemini `generateContent` responses (whole or streamed chunks) → canonical. */
export function usageFromGemini(value: unknown): Usage {
  const u = isObject(value) ? value : {};
  const cached = int(u["cachedContentTokenCount"]);
  return {
    input_tokens: Math.max(0, int(u["promptTokenCount"]) - cached),
    // Thinking tokens are billed as output.
    output_tokens: int(u["candidatesTokenCount"]) + int(u["thoughtsTokenCount"]),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

export function stopFromGemini(reason: unknown, calledTools: boolean): StopReason | null {
  if (reason === undefined || reason === null) return null;
  if (calledTools) return "tool_use";
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"].includes(String(reason))) {
    return "refusal";
  }
  return "end_turn";
}

function candidateOf(body: Json): Json {
  return Array.isArray(body["candidates"]) && isObject(body["candidates"][0]) ? body["candidates"][0] : {};
}

function partsOf(candidate: Json): Json[] {
  const content = isObject(candidate["content"]) ? candidate["content"] : {};
  return Array.isArray(content["parts"]) ? content["parts"].filter(isObject) : [];
}

function toolUse(part: Json): Block | undefined {
  const call = part["functionCall"];
  if (!isObject(call)) return undefined;
  return {
    type: "tool_use",
    id: str(call["id"]) ?? `toolu_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`,
    name: str(call["name"]) ?? "",
    input: isObject(call["args"]) ? call["args"] : {},
  };
}

export function decodeGeminiResponse(body: Json, fallbackModel: string): LlmMessage {
  const candidate = candidateOf(body);
  const content: Block[] = [];
  for (const part of partsOf(candidate)) {
    if (part["thought"] === true) continue;
    const text = str(part["text"]);
    const last = content.at(-1);
    if (text !== undefined && last?.type === "text") {
      content[content.length - 1] = { type: "text", text: last.text + text };
    } else if (text !== undefined) content.push({ type: "text", text });
    const tool = toolUse(part);
    if (tool) content.push(tool);
  }
  return {
    id: str(body["responseId"]) ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`,
    type: "message",
    role: "assistant",
    model: str(body["modelVersion"]) ?? fallbackModel,
    content,
    stop_reason: stopFromGemini(
      candidate["finishReason"] ?? "STOP",
      content.some((b) => b.type === "tool_use"),
    ),
    stop_sequence: null,
    usage: usageFromGemini(body["usageMetadata"]),
  };
}

interface DecodeState {
  readonly fallbackModel: string;
  started: boolean;
  finished: boolean;
  textIndex: number | undefined;
  next: number;
  usage: Usage;
  finishReason: unknown;
  calledTools: boolean;
}

export function createGeminiChunkDecoder(fallbackModel: string): StreamDecoder {
  const state: DecodeState = {
    fallbackModel,
    started: false,
    finished: false,
    textIndex: undefined,
    next: 0,
    usage: ZERO_USAGE,
    finishReason: undefined,
    calledTools: false,
  };
  return { push: (chunk) => decodeChunk(state, chunk), finish: () => finishDecode(state) };
}

function start(state: DecodeState, chunk: Json, out: StreamEvent[]): void {
  if (state.started) return;
  state.started = true;
  const message = decodeGeminiResponse({ ...chunk, candidates: [] }, state.fallbackModel);
  out.push({ type: "message_start", message: { ...message, stop_reason: null, usage: ZERO_USAGE } });
}

function closeText(state: DecodeState, out: StreamEvent[]): void {
  if (state.textIndex !== undefined) out.push({ type: "content_block_stop", index: state.textIndex });
  state.textIndex = undefined;
}

function decodeChunk(state: DecodeState, chunk: Json): StreamEvent[] {
  const out: StreamEvent[] = [];
  start(state, chunk, out);
  if (isObject(chunk["usageMetadata"])) state.usage = usageFromGemini(chunk["usageMetadata"]);
  const candidate = candidateOf(chunk);
  if (candidate["finishReason"] !== undefined) state.finishReason = candidate["finishReason"];
  for (const part of partsOf(candidate)) {
    if (part["thought"] === true) continue;
    const text = str(part["text"]);
    if (text) {
      if (state.textIndex === undefined) {
        state.textIndex = state.next++;
        out.push({
          type: "content_block_start",
          index: state.textIndex,
          content_block: { type: "text", text: "" },
        });
      }
      out.push({ type: "content_block_delta", index: state.textIndex, delta: { type: "text_delta", text } });
    }
    const tool = toolUse(part);
    if (tool?.type === "tool_use") pushTool(state, tool, out);
  }
  return out;
}

/** Gemini sends a function call whole: one block with its arguments as a single JSON delta. */
function pushTool(state: DecodeState, tool: Extract<Block, { type: "tool_use" }>, out: StreamEvent[]): void {
  closeText(state, out);
  state.calledTools = true;
  const index = state.next++;
  out.push({ type: "content_block_start", index, content_block: { ...tool, input: {} } });
  const json = JSON.stringify(tool.input);
  out.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json } });
  out.push({ type: "content_block_stop", index });
}

function finishDecode(state: DecodeState): StreamEvent[] {
  if (state.finished) return [];
  state.finished = true;
  const out: StreamEvent[] = [];
  start(state, {}, out);
  closeText(state, out);
  const stop = stopFromGemini(state.finishReason ?? "STOP", state.calledTools);
  out.push({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: state.usage });
  out.push({ type: "message_stop" });
  return out;
}
