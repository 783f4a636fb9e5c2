import { invalid, isObject, type Json, num, parseArguments, pickNumbers, str } from "./decode.ts";
import type { Block, ChatMessage, ImageBlock, LlmRequest, TextBlock, ToolChoice, ToolSpec } from "./types.ts";

/**
 * OpenAI Chat Completions request → canonical. `system`/`developer` messages become the system
 * prompt; `tool` messages become `tool_result` blocks of a user turn; consecutive turns of one role
 * merge (the Anthropic wire needs strict alternation).
 */
export function parseOpenAiRequest(body: Json): LlmRequest {
  const model = str(body["model"]);
  if (!model) throw invalid("model: required");
  if (!Array.isArray(body["messages"]) || body["messages"].length === 0) throw invalid("messages: required");
  if (num(body["n"]) !== undefined && body["n"] !== 1) throw invalid("n: only 1 is supported");
  const system: string[] = [];
  const turns: { role: "user" | "assistant"; blocks: Block[] }[] = [];
  body["messages"].forEach((m, i) => {
    if (!isObject(m)) throw invalid(`messages[${i}]: an object is required`);
    const role = m["role"];
    if (role === "system" || role === "developer") system.push(textOf(m["content"]));
    else if (role === "user") push(turns, "user", userBlocks(m["content"], i));
    else if (role === "assistant") push(turns, "assistant", assistantBlocks(m));
    else if (role === "tool") push(turns, "user", [toolResult(m, i)]);
    else throw invalid(`messages[${i}].role: unsupported role ${String(role)}`);
  });
  const maxTokens = num(body["max_completion_tokens"]) ?? num(body["max_tokens"]);
  const tools = Array.isArray(body["tools"]) ? body["tools"].flatMap(decodeTool) : undefined;
  const toolChoice = decodeToolChoice(body["tool_choice"]);
  const stop = typeof body["stop"] === "string"
    ? [body["stop"]]
    : Array.isArray(body["stop"])
    ? body["stop"].filter((s): s is string => typeof s === "string")
    : undefined;
  return {
    model,
    messages: turns.map((t): ChatMessage => ({ role: t.role, content: t.blocks })),
    ...(maxTokens !== undefined ? { max_tokens: Math.trunc(maxTokens) } : {}),
    ...(system.length > 0 ? { system: system.join("\n\n") } : {}),
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
    ...(stop && stop.length > 0 ? { stop_sequences: stop } : {}),
    ...pickNumbers(body, ["temperature", "top_p"] as const),
    stream: body["stream"] === true,
  };
}

/** Did an OpenAI caller ask for a usage chunk at the end of the stream? */
export function wantsStreamUsage(body: Json): boolean {
  const options = body["stream_options"];
  return isObject(options) && options["include_usage"] === true;
}

function push(
  turns: { role: "user" | "assistant"; blocks: Block[] }[],
  role: "user" | "assistant",
  blocks: Block[],
) {
  const last = turns.at(-1);
  if (last && last.role === role) last.blocks.push(...blocks);
  else turns.push({ role, blocks: [...blocks] });
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.flatMap((p) => (isObject(p) && typeof p["text"] === "string" ? [p["text"]] : [])).join("\n");
}

function userBlocks(content: unknown, i: number): Block[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) {
    throw invalid(`messages[${i}].content: a string or a list of parts is required`);
  }
  return content.flatMap((part): (TextBlock | ImageBlock)[] => {
    if (!isObject(part)) return [];
    if (part["type"] === "text" && typeof part["text"] === "string") {
      return [{ type: "text", text: part["text"] }];
    }
    if (part["type"] === "image_url") {
      const url = isObject(part["image_url"]) ? str(part["image_url"]["url"]) : str(part["image_url"]);
      return url ? [imageFromUrl(url)] : [];
    }
    return [];
  });
}

export function imageFromUrl(url: string): ImageBlock {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match
    ? { type: "image", source: { type: "base64", media_type: match[1]!, data: match[2]! } }
    : { type: "image", source: { type: "url", url } };
}

function assistantBlocks(m: Json): Block[] {
  const blocks: Block[] = [];
  const text = textOf(m["content"]);
  if (text) blocks.push({ type: "text", text });
  const calls = Array.isArray(m["tool_calls"]) ? m["tool_calls"] : [];
  for (const call of calls) {
    if (!isObject(call) || !isObject(call["function"])) continue;
    const fn = call["function"];
    const id = str(call["id"]) ?? `call_${crypto.randomUUID().slice(0, 8)}`;
    blocks.push({
      type: "tool_use",
      id,
      name: str(fn["name"]) ?? "",
      input: parseArguments(str(fn["arguments"])),
    });
  }
  return blocks;
}

function toolResult(m: Json, i: number): Block {
  const id = str(m["tool_call_id"]);
  if (!id) throw invalid(`messages[${i}].tool_call_id: required for a tool message`);
  return { type: "tool_result", tool_use_id: id, content: textOf(m["content"]) };
}

function decodeTool(value: unknown): ToolSpec[] {
  if (!isObject(value) || value["type"] !== "function" || !isObject(value["function"])) return [];
  const fn = value["function"];
  const name = str(fn["name"]);
  if (!name) return [];
  const description = str(fn["description"]);
  const schema = isObject(fn["parameters"]) ? fn["parameters"] : { type: "object", properties: {} };
  return [{ name, input_schema: schema, ...(description ? { description } : {}) }];
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === "none" || value === "auto") return { type: value };
  if (value === "required") return { type: "any" };
  if (isObject(value) && isObject(value["function"]) && typeof value["function"]["name"] === "string") {
    return { type: "tool", name: value["function"]["name"] };
  }
  return undefined;
}
