import { invalid, isObject, type Json, num, str } from "./decode.ts";
import type { Block, ChatMessage, LlmRequest, ToolChoice, ToolSpec } from "./types.ts";

/**
 * Gemini `generateContent` request (model and streaming come from the URL) → canonical. Gemini
 * answers a function call by name; the canonical `tool_use_id` is the id of the latest call of that
 * name (or the response's own `id`).
 */
export function parseGeminiRequest(body: Json, model: string, stream: boolean): LlmRequest {
  if (!Array.isArray(body["contents"]) || body["contents"].length === 0) throw invalid("contents: required");
  const ids = new Map<string, string>();
  const messages = body["contents"].map((c, i): ChatMessage => {
    if (!isObject(c)) throw invalid(`contents[${i}]: an object is required`);
    const parts = Array.isArray(c["parts"]) ? c["parts"].filter(isObject) : [];
    return {
      role: c["role"] === "model" ? "assistant" : "user",
      content: parts.flatMap((p, j) => blockOf(p, ids, `${i}_${j}`)),
    };
  });
  const system = systemText(body["systemInstruction"]);
  const generation = isObject(body["generationConfig"]) ? body["generationConfig"] : {};
  const tools = Array.isArray(body["tools"]) ? body["tools"].flatMap(declarations) : [];
  const choice = toolChoice(body["toolConfig"]);
  const maxTokens = num(generation["maxOutputTokens"]);
  const stops = Array.isArray(generation["stopSequences"])
    ? generation["stopSequences"].filter((s): s is string => typeof s === "string")
    : [];
  const sampling = {
    temperature: num(generation["temperature"]),
    top_p: num(generation["topP"]),
    top_k: num(generation["topK"]),
  };
  return {
    model,
    messages,
    ...(system ? { system } : {}),
    ...(maxTokens !== undefined ? { max_tokens: Math.trunc(maxTokens) } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(choice ? { tool_choice: choice } : {}),
    ...(stops.length > 0 ? { stop_sequences: stops } : {}),
    ...Object.fromEntries(Object.entries(sampling).filter(([, v]) => v !== undefined)),
    stream,
  };
}

function blockOf(part: Json, ids: Map<string, string>, at: string): Block[] {
  if (typeof part["text"] === "string" && part["thought"] !== true) {
    return [{ type: "text", text: part["text"] }];
  }
  const inline = part["inlineData"];
  if (isObject(inline) && typeof inline["data"] === "string") {
    return [{
      type: "image",
      source: { type: "base64", media_type: str(inline["mimeType"]) ?? "image/png", data: inline["data"] },
    }];
  }
  const file = part["fileData"];
  if (isObject(file) && typeof file["fileUri"] === "string") {
    return [{ type: "image", source: { type: "url", url: file["fileUri"] } }];
  }
  const call = part["functionCall"];
  if (isObject(call) && typeof call["name"] === "string") {
    const id = str(call["id"]) ?? `call_${at}`;
    ids.set(call["name"], id);
    return [{ type: "tool_use", id, name: call["name"], input: isObject(call["args"]) ? call["args"] : {} }];
  }
  const response = part["functionResponse"];
  if (isObject(response) && typeof response["name"] === "string") {
    const id = str(response["id"]) ?? ids.get(response["name"]) ?? `call_${response["name"]}`;
    return [{ type: "tool_result", tool_use_id: id, content: JSON.stringify(response["response"] ?? {}) }];
  }
  return [];
}

function declarations(tool: unknown): ToolSpec[] {
  if (!isObject(tool) || !Array.isArray(tool["functionDeclarations"])) return [];
  return tool["functionDeclarations"].flatMap((d) => {
    if (!isObject(d) || typeof d["name"] !== "string") return [];
    const schema = isObject(d["parametersJsonSchema"])
      ? d["parametersJsonSchema"]
      : isObject(d["parameters"])
      ? d["parameters"]
      : { type: "object", properties: {} };
    const description = str(d["description"]);
    return [{ name: d["name"], input_schema: schema, ...(description ? { description } : {}) }];
  });
}

function toolChoice(config: unknown): ToolChoice | undefined {
  const calling = isObject(config) && isObject(config["functionCallingConfig"])
    ? config["functionCallingConfig"]
    : undefined;
  if (!calling) return undefined;
  const allowed = Array.isArray(calling["allowedFunctionNames"]) ? calling["allowedFunctionNames"] : [];
  if (calling["mode"] === "ANY" && allowed.length === 1 && typeof allowed[0] === "string") {
    return { type: "tool", name: allowed[0] };
  }
  if (calling["mode"] === "ANY") return { type: "any" };
  if (calling["mode"] === "NONE") return { type: "none" };
  return calling["mode"] === "AUTO" ? { type: "auto" } : undefined;
}

function systemText(instruction: unknown): string {
  if (!isObject(instruction) || !Array.isArray(instruction["parts"])) return "";
  return instruction["parts"].flatMap((
    p,
  ) => (isObject(p) && typeof p["text"] === "string" ? [p["text"]] : [])).join("\n");
}
