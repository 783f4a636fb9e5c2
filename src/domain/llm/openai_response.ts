import { int, isObject, type Json, parseArguments, str } from "./decode.ts";
import type { Block, LlmMessage, StopReason, Usage } from "./types.ts";

/** OpenAI Chat Completions response ↔ canonical message; finish reasons ↔ stop reasons; usage. */
export function stopFromFinish(reason: unknown): StopReason | null {
  switch (reason) {
    case "stop":
      return "end_turn";
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return typeof reason === "string" ? "end_turn" : null;
  }
}

export function finishFromStop(reason: StopReason | null): string | null {
  switch (reason) {
    case null:
      return null;
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

/** OpenAI counts cached tokens inside `prompt_tokens`; canonical input excludes them. */
export function usageFromOpenAi(value: unknown): Usage {
  const u = isObject(value) ? value : {};
  const details = isObject(u["prompt_tokens_details"]) ? u["prompt_tokens_details"] : {};
  const cached = int(details["cached_tokens"]);
  return {
    input_tokens: Math.max(0, int(u["prompt_tokens"]) - cached),
    output_tokens: int(u["completion_tokens"]),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

export function usageToOpenAi(usage: Usage): Record<string, unknown> {
  const prompt = usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.cache_read_input_tokens },
  };
}

export function decodeOpenAiResponse(body: Json, fallbackModel: string): LlmMessage {
  const choice = Array.isArray(body["choices"]) && isObject(body["choices"][0]) ? body["choices"][0] : {};
  const message = isObject(choice["message"]) ? choice["message"] : {};
  const content: Block[] = [];
  const text = str(message["content"]) ?? str(message["refusal"]);
  if (text) content.push({ type: "text", text });
  for (const call of Array.isArray(message["tool_calls"]) ? message["tool_calls"] : []) {
    if (!isObject(call) || !isObject(call["function"])) continue;
    const fn = call["function"];
    content.push({
      type: "tool_use",
      id: str(call["id"]) ?? `call_${crypto.randomUUID().slice(0, 8)}`,
      name: str(fn["name"]) ?? "",
      input: parseArguments(str(fn["arguments"])),
    });
  }
  return {
    id: str(body["id"]) ?? `chatcmpl-${crypto.randomUUID()}`,
    type: "message",
    role: "assistant",
    model: str(body["model"]) ?? fallbackModel,
    content,
    stop_reason: stopFromFinish(choice["finish_reason"]),
    stop_sequence: null,
    usage: usageFromOpenAi(body["usage"]),
  };
}

export function encodeOpenAiResponse(message: LlmMessage, created: number): Record<string, unknown> {
  const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  const calls = message.content.flatMap((b) =>
    b.type === "tool_use"
      ? [{ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }]
      : []
  );
  return {
    id: message.id.startsWith("chatcmpl") ? message.id : `chatcmpl-${message.id}`,
    object: "chat.completion",
    created,
    model: message.model,
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: text || (calls.length > 0 ? null : ""),
        refusal: null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      },
      logprobs: null,
      finish_reason: finishFromStop(message.stop_reason) ?? "stop",
    }],
    usage: usageToOpenAi(message.usage),
  };
}
