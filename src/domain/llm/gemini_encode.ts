import type { Block, LlmRequest, ToolChoice } from "./types.ts";

/**
 * Canonical → Gemini `generateContent` request. Gemini names a function response by the function
 * name, not the call id, so tool results look up the name of the `tool_use` they answer.
 */
export function toGeminiBody(request: LlmRequest, maxTokens: number): Record<string, unknown> {
  const names = new Map<string, string>();
  for (const m of request.messages) {
    if (typeof m.content === "string") continue;
    for (const b of m.content) if (b.type === "tool_use") names.set(b.id, b.name);
  }
  const contents = request.messages.map((m) => ({
    role: m.role === "assistant" ? "model" : "user",
    parts: typeof m.content === "string"
      ? [{ text: m.content }]
      : m.content.flatMap((b) => partsOf(b, names)),
  }));
  const body: Record<string, unknown> = { contents };
  const system = typeof request.system === "string"
    ? request.system
    : request.system?.map((b) => b.text).join("\n");
  if (system) body["systemInstruction"] = { parts: [{ text: system }] };
  if (request.tools?.length) {
    body["tools"] = [{
      functionDeclarations: request.tools.map((t) => ({
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: geminiSchema(t.input_schema),
      })),
    }];
  }
  if (request.tool_choice) body["toolConfig"] = { functionCallingConfig: callingConfig(request.tool_choice) };
  const generation: Record<string, unknown> = { maxOutputTokens: maxTokens };
  if (request.temperature !== undefined) generation["temperature"] = request.temperature;
  if (request.top_p !== undefined) generation["topP"] = request.top_p;
  if (request.top_k !== undefined) generation["topK"] = request.top_k;
  if (request.stop_sequences?.length) generation["stopSequences"] = request.stop_sequences;
  body["generationConfig"] = generation;
  return body;
}

function partsOf(block: Block, names: ReadonlyMap<string, string>): Record<string, unknown>[] {
  switch (block.type) {
    case "text":
      return [{ text: block.text }];
    case "image":
      return block.source.type === "base64"
        ? [{ inlineData: { mimeType: block.source.media_type, data: block.source.data } }]
        : [{ fileData: { fileUri: block.source.url } }];
    case "tool_use":
      return [{ functionCall: { name: block.name, args: block.input ?? {} } }];
    case "tool_result": {
      const text = typeof block.content === "string"
        ? block.content
        : block.content.flatMap((x) => (x.type === "text" ? [x.text] : [])).join("\n");
      const name = names.get(block.tool_use_id) ?? block.tool_use_id;
      return [{ functionResponse: { name, response: block.is_error ? { error: text } : { content: text } } }];
    }
    default:
      return [];
  }
}

function callingConfig(choice: ToolChoice): Record<string, unknown> {
  if (choice.type === "tool") return { mode: "ANY", allowedFunctionNames: [choice.name] };
  return { mode: choice.type === "any" ? "ANY" : choice.type === "none" ? "NONE" : "AUTO" };
}

/** Gemini's schema dialect (an OpenAPI subset) refuses a few JSON Schema keywords. */
function geminiSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(geminiSchema);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== "$schema" && k !== "additionalProperties")
      .map(([k, v]) => [k, geminiSchema(v)]),
  );
}
