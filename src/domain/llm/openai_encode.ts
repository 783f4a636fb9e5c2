import type { Block, LlmRequest, ToolChoice } from "./types.ts";

/**
 * Canonical → OpenAI Chat Completions request. `tool_result` blocks become `tool` messages placed
 * right after the assistant turn that called them; a streamed call asks for the usage chunk so it
 * can be costed.
 */
export interface OpenAiEncodeOptions {
  readonly model: string;
  readonly maxTokens: number | undefined;
  /** OpenAI's own API wants `max_completion_tokens`; compatible servers (vLLM, Ollama) `max_tokens`. */
  readonly completionTokensField: "max_tokens" | "max_completion_tokens";
}

export function toOpenAiBody(request: LlmRequest, options: OpenAiEncodeOptions): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  const system = typeof request.system === "string"
    ? request.system
    : request.system?.map((b) => b.text).join("\n");
  if (system) messages.push({ role: "system", content: system });
  for (const m of request.messages) {
    if (typeof m.content === "string") messages.push({ role: m.role, content: m.content });
    else if (m.role === "assistant") messages.push(assistantMessage(m.content));
    else messages.push(...userMessages(m.content));
  }
  const body: Record<string, unknown> = { model: options.model, messages };
  if (options.maxTokens !== undefined) body[options.completionTokensField] = options.maxTokens;
  if (request.tools?.length) {
    body["tools"] = request.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.input_schema,
      },
    }));
  }
  if (request.tool_choice) body["tool_choice"] = toolChoice(request.tool_choice);
  if (request.stop_sequences?.length) body["stop"] = request.stop_sequences;
  if (request.temperature !== undefined) body["temperature"] = request.temperature;
  if (request.top_p !== undefined) body["top_p"] = request.top_p;
  if (request.stream) {
    body["stream"] = true;
    body["stream_options"] = { include_usage: true };
  }
  return body;
}

function assistantMessage(blocks: readonly Block[]): Record<string, unknown> {
  const text = blocks.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  const calls = blocks.flatMap((b) =>
    b.type === "tool_use"
      ? [{ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }]
      : []
  );
  return { role: "assistant", content: text || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
}

function userMessages(blocks: readonly Block[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const parts: Record<string, unknown>[] = [];
  for (const b of blocks) {
    if (b.type === "tool_result") {
      const content = typeof b.content === "string"
        ? b.content
        : b.content.flatMap((x) => (x.type === "text" ? [x.text] : [])).join("\n");
      out.push({
        role: "tool",
        tool_call_id: b.tool_use_id,
        content: b.is_error ? `Error: ${content}` : content,
      });
    } else if (b.type === "text") {
      parts.push({ type: "text", text: b.text });
    } else if (b.type === "image") {
      const url = b.source.type === "url"
        ? b.source.url
        : `data:${b.source.media_type};base64,${b.source.data}`;
      parts.push({ type: "image_url", image_url: { url } });
    }
  }
  if (parts.length > 0) {
    const onlyText = parts.every((p) => p["type"] === "text");
    out.push({ role: "user", content: onlyText ? parts.map((p) => p["text"]).join("\n") : parts });
  }
  return out;
}

function toolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "auto":
    case "none":
      return choice.type;
    case "any":
      return "required";
    case "tool":
      return { type: "function", function: { name: choice.name } };
    default: {
      const never: never = choice;
      return never;
    }
  }
}
