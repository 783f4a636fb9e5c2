import type { LlmMessage, LlmRequest, StreamEvent } from "./types.ts";

/** Canonical → the Anthropic Messages wire (request body, response body, SSE frames). */
export function toAnthropicBody(
  request: LlmRequest,
  model: string,
  maxTokens: number,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model, max_tokens: maxTokens, messages: request.messages };
  if (request.system !== undefined) body["system"] = request.system;
  if (request.tools?.length) body["tools"] = request.tools;
  if (request.tool_choice) body["tool_choice"] = request.tool_choice;
  if (request.stop_sequences?.length) body["stop_sequences"] = request.stop_sequences;
  if (request.temperature !== undefined) body["temperature"] = request.temperature;
  if (request.top_p !== undefined) body["top_p"] = request.top_p;
  if (request.top_k !== undefined) body["top_k"] = request.top_k;
  if (request.stream) body["stream"] = true;
  return body;
}

export function encodeAnthropicResponse(message: LlmMessage): LlmMessage {
  return message;
}

/** One canonical event as an Anthropic SSE frame (`event: <type>` + `data: <json>`). */
export function anthropicFrame(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
