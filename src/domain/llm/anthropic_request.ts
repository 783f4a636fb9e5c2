import { invalid, isObject, type Json, num, pickNumbers, str } from "./decode.ts";
import { decodeBlocks } from "./anthropic_wire.ts";
import type { ChatMessage, LlmRequest, TextBlock, ToolChoice, ToolSpec } from "./types.ts";

/**
 * The Anthropic Messages wire ↔ canonical (which is its own shape, so this mostly validates and
 * drops block types other dialects cannot carry).
 */
export function parseAnthropicRequest(body: Json): LlmRequest {
  const model = str(body["model"]);
  if (!model) throw invalid("model: required");
  const maxTokens = num(body["max_tokens"]);
  if (maxTokens === undefined || maxTokens < 1 || !Number.isInteger(maxTokens)) {
    throw invalid("max_tokens: a positive integer is required");
  }
  if (!Array.isArray(body["messages"])) throw invalid("messages: required");
  const messages = body["messages"].map((m, i): ChatMessage => {
    if (!isObject(m) || (m["role"] !== "user" && m["role"] !== "assistant")) {
      throw invalid(`messages[${i}]: role must be user or assistant`);
    }
    const content = typeof m["content"] === "string"
      ? m["content"]
      : decodeBlocks(m["content"], `messages[${i}]`);
    return { role: m["role"], content };
  });
  const system = decodeSystem(body["system"]);
  const tools = Array.isArray(body["tools"]) ? body["tools"].flatMap(decodeTool) : undefined;
  const toolChoice = decodeToolChoice(body["tool_choice"]);
  const stop = Array.isArray(body["stop_sequences"]) ? body["stop_sequences"].filter(isString) : undefined;
  return {
    model,
    max_tokens: maxTokens,
    messages,
    ...(system !== undefined ? { system } : {}),
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
    ...pickNumbers(body, ["temperature", "top_p", "top_k"] as const),
    stream: body["stream"] === true,
  };
}

const isString = (v: unknown): v is string => typeof v === "string";

function decodeSystem(value: unknown): string | TextBlock[] | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((
    b,
  ) => (isObject(b) && typeof b["text"] === "string" ? [{ type: "text", text: b["text"] }] : []));
}

function decodeTool(value: unknown): ToolSpec[] {
  if (!isObject(value) || typeof value["name"] !== "string") return [];
  // Server tools (web search, code execution) have a `type` and no schema: Anthropic upstreams only.
  if (!isObject(value["input_schema"])) return [];
  const description = str(value["description"]);
  return [{
    name: value["name"],
    input_schema: value["input_schema"],
    ...(description ? { description } : {}),
  }];
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (!isObject(value)) return undefined;
  const type = value["type"];
  if (type === "tool" && typeof value["name"] === "string") return { type: "tool", name: value["name"] };
  return type === "auto" || type === "any" || type === "none" ? { type } : undefined;
}
