import { int, invalid, isObject, type Json, str } from "./decode.ts";
import type { Block, ImageBlock, LlmMessage, StopReason, StreamEvent, TextBlock, Usage } from "./types.ts";

/**
 * The Anthropic Messages wire ↔ canonical (which is its own shape): validates what arrives and
 * drops block types the other dialects cannot carry.
 */

export function decodeBlocks(value: unknown, where: string): Block[] {
  if (!Array.isArray(value)) throw invalid(`${where}.content: a string or a list of blocks is required`);
  return value.flatMap((b) => decodeBlock(b));
}

export function decodeBlock(b: unknown): Block[] {
  if (!isObject(b)) return [];
  switch (b["type"]) {
    case "text":
      return typeof b["text"] === "string" ? [{ type: "text", text: b["text"] }] : [];
    case "image":
      return decodeImage(b);
    case "tool_use":
      return typeof b["id"] === "string" && typeof b["name"] === "string"
        ? [{ type: "tool_use", id: b["id"], name: b["name"], input: isObject(b["input"]) ? b["input"] : {} }]
        : [];
    case "tool_result": {
      if (typeof b["tool_use_id"] !== "string") return [];
      const inner = b["content"];
      const content = typeof inner === "string"
        ? inner
        : Array.isArray(inner)
        ? inner.flatMap(decodeBlock).filter((x): x is TextBlock | ImageBlock =>
          x.type === "text" || x.type === "image"
        )
        : "";
      return [{
        type: "tool_result",
        tool_use_id: b["tool_use_id"],
        content,
        ...(b["is_error"] === true ? { is_error: true } : {}),
      }];
    }
    case "thinking":
      return typeof b["thinking"] === "string"
        ? [{ type: "thinking", thinking: b["thinking"], signature: str(b["signature"]) ?? "" }]
        : [];
    case "redacted_thinking":
      return typeof b["data"] === "string" ? [{ type: "redacted_thinking", data: b["data"] }] : [];
    default:
      return [];
  }
}

function decodeImage(b: Json): ImageBlock[] {
  const source = b["source"];
  if (!isObject(source)) return [];
  if (source["type"] === "base64" && typeof source["data"] === "string") {
    return [{
      type: "image",
      source: { type: "base64", media_type: str(source["media_type"]) ?? "image/png", data: source["data"] },
    }];
  }
  if (source["type"] === "url" && typeof source["url"] === "string") {
    return [{ type: "image", source: { type: "url", url: source["url"] } }];
  }
  return [];
}

const STOP_REASONS: readonly StopReason[] = [
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "pause_turn",
  "refusal",
];

export function decodeStopReason(value: unknown): StopReason | null {
  return STOP_REASONS.find((r) => r === value) ?? (typeof value === "string" ? "end_turn" : null);
}

export function decodeUsage(value: unknown): Usage {
  const u = isObject(value) ? value : {};
  return {
    input_tokens: int(u["input_tokens"]),
    output_tokens: int(u["output_tokens"]),
    cache_read_input_tokens: int(u["cache_read_input_tokens"]),
    cache_creation_input_tokens: int(u["cache_creation_input_tokens"]),
  };
}

export function decodeAnthropicMessage(body: Json, fallbackModel: string): LlmMessage {
  return {
    id: str(body["id"]) ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`,
    type: "message",
    role: "assistant",
    model: str(body["model"]) ?? fallbackModel,
    content: Array.isArray(body["content"]) ? body["content"].flatMap(decodeBlock) : [],
    stop_reason: decodeStopReason(body["stop_reason"]),
    stop_sequence: str(body["stop_sequence"]) ?? null,
    usage: decodeUsage(body["usage"]),
  };
}

/** One upstream Anthropic stream event → canonical (unknown event types are skipped). */
export function decodeAnthropicEvent(data: Json, fallbackModel: string): StreamEvent | undefined {
  const index = int(data["index"]);
  switch (data["type"]) {
    case "message_start":
      return isObject(data["message"])
        ? { type: "message_start", message: decodeAnthropicMessage(data["message"], fallbackModel) }
        : undefined;
    case "content_block_start": {
      const [block] = decodeBlock(data["content_block"]);
      return block ? { type: "content_block_start", index, content_block: block } : undefined;
    }
    case "content_block_delta":
      return decodeDelta(index, data["delta"]);
    case "content_block_stop":
      return { type: "content_block_stop", index };
    case "message_delta":
      return decodeMessageDelta(data);
    case "message_stop":
      return { type: "message_stop" };
    case "ping":
      return { type: "ping" };
    case "error":
      return decodeError(data);
    default:
      return undefined;
  }
}

function decodeMessageDelta(data: Json): StreamEvent {
  const delta = isObject(data["delta"]) ? data["delta"] : {};
  return {
    type: "message_delta",
    delta: {
      stop_reason: decodeStopReason(delta["stop_reason"]),
      stop_sequence: str(delta["stop_sequence"]) ?? null,
    },
    usage: partialUsage(isObject(data["usage"]) ? data["usage"] : {}),
  };
}

function decodeError(data: Json): StreamEvent {
  const error = isObject(data["error"]) ? data["error"] : {};
  const type = str(error["type"]) ?? "api_error";
  return { type: "error", error: { type, message: str(error["message"]) ?? "upstream error" } };
}

function partialUsage(usage: Json): Partial<Usage> & { output_tokens: number } {
  const out: { -readonly [K in keyof Usage]?: number } = {};
  for (const key of ["input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] as const) {
    if (typeof usage[key] === "number") out[key] = int(usage[key]);
  }
  return { ...out, output_tokens: int(usage["output_tokens"]) };
}

function decodeDelta(index: number, delta: unknown): StreamEvent | undefined {
  if (!isObject(delta)) return undefined;
  const t = delta["type"];
  if (t === "text_delta" && typeof delta["text"] === "string") {
    return { type: "content_block_delta", index, delta: { type: "text_delta", text: delta["text"] } };
  }
  if (t === "input_json_delta" && typeof delta["partial_json"] === "string") {
    return {
      type: "content_block_delta",
      index,
      delta: { type: "input_json_delta", partial_json: delta["partial_json"] },
    };
  }
  if (t === "thinking_delta" && typeof delta["thinking"] === "string") {
    return {
      type: "content_block_delta",
      index,
      delta: { type: "thinking_delta", thinking: delta["thinking"] },
    };
  }
  if (t === "signature_delta" && typeof delta["signature"] === "string") {
    return {
      type: "content_block_delta",
      index,
      delta: { type: "signature_delta", signature: delta["signature"] },
    };
  }
  return undefined;
}
