import { toAnthropicBody } from "./anthropic_encode.ts";
import { decodeAnthropicEvent, decodeAnthropicMessage } from "./anthropic_wire.ts";
import { isObject, type Json, str } from "./decode.ts";
import { toGeminiBody } from "./gemini_encode.ts";
import { createGeminiChunkDecoder, decodeGeminiResponse } from "./gemini_response.ts";
import { toOpenAiBody } from "./openai_encode.ts";
import { createOpenAiChunkDecoder, type StreamDecoder } from "./openai_stream.ts";
import { decodeOpenAiResponse } from "./openai_response.ts";
import type { Candidate } from "./routing.ts";
import type { Dialect, LlmMessage, LlmRequest, StreamEvent } from "./types.ts";

/**
 * The request we send one upstream, built from scratch: the caller's credentials and identifying
 * headers never reach a provider; the provider key is the vault's. When the caller speaks the
 * upstream's own wire, its body is forwarded as sent (model swapped, output cap and streamed usage
 * ensured) so provider features we do not model survive; otherwise the canonical request is
 * translated.
 */
export interface UpstreamCall {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Json;
}

export interface CallerWire {
  readonly dialect: Dialect;
  /** The caller's body as parsed JSON (forwarded when the dialects match). */
  readonly raw: Json;
  readonly anthropicVersion: string | undefined;
  readonly anthropicBeta: string | undefined;
}

export const DEFAULT_MAX_TOKENS = 4096;
const ANTHROPIC_VERSION = "2023-06-01";

/** The caller's cap, else the model's catalog `max_output_tokens`, else 4096. */
export function maxTokensFor(request: LlmRequest, candidate: Candidate): number {
  return request.max_tokens ?? candidate.model?.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
}

export function buildUpstreamCall(
  request: LlmRequest,
  candidate: Candidate,
  caller: CallerWire,
  apiKey: string | undefined,
): UpstreamCall {
  const call = { request, candidate, caller, apiKey, maxTokens: maxTokensFor(request, candidate) };
  const wire = candidate.provider.wire;
  switch (wire) {
    case "anthropic":
      return anthropicCall(call);
    case "openai-chat":
      return openAiCall(call);
    case "gemini":
      return geminiCall(call);
    default: {
      const never: never = wire;
      return never;
    }
  }
}

interface CallParts {
  readonly request: LlmRequest;
  readonly candidate: Candidate;
  readonly caller: CallerWire;
  readonly apiKey: string | undefined;
  readonly maxTokens: number;
}

function baseHeaders(request: LlmRequest): Record<string, string> {
  const accept = request.stream ? "text/event-stream" : "application/json";
  return { "content-type": "application/json", accept, "user-agent": "systemprompt-gateway" };
}

function anthropicCall({ request, candidate, caller, apiKey, maxTokens }: CallParts): UpstreamCall {
  const same = caller.dialect === "anthropic";
  const body = same
    ? { ...caller.raw, model: candidate.upstreamModel }
    : toAnthropicBody(request, candidate.upstreamModel, maxTokens);
  const version = same && caller.anthropicVersion && /^\d{4}-\d{2}-\d{2}$/.test(caller.anthropicVersion)
    ? caller.anthropicVersion
    : ANTHROPIC_VERSION;
  const headers: Record<string, string> = { ...baseHeaders(request), "anthropic-version": version };
  if (same && caller.anthropicBeta) headers["anthropic-beta"] = caller.anthropicBeta;
  if (apiKey) headers["x-api-key"] = apiKey;
  return { url: `${candidate.provider.endpoint}/messages`, headers, body };
}

function openAiCall({ request, candidate, caller, apiKey, maxTokens }: CallParts): UpstreamCall {
  const { endpoint } = candidate.provider;
  const field = /^https:\/\/api\.openai\.com\//.test(endpoint) ? "max_completion_tokens" : "max_tokens";
  const body = caller.dialect === "openai"
    ? openAiPassthrough(caller.raw, candidate.upstreamModel, field, maxTokens, request.stream === true)
    : toOpenAiBody(request, { model: candidate.upstreamModel, maxTokens, completionTokensField: field });
  const headers = baseHeaders(request);
  if (apiKey) headers["authorization"] = `Bearer ${apiKey}`;
  return { url: `${endpoint}/chat/completions`, headers, body };
}

function geminiCall({ request, candidate, caller, apiKey, maxTokens }: CallParts): UpstreamCall {
  const op = request.stream ? "streamGenerateContent?alt=sse" : "generateContent";
  const body = caller.dialect === "gemini"
    ? geminiPassthrough(caller.raw, maxTokens)
    : toGeminiBody(request, maxTokens);
  const headers = baseHeaders(request);
  if (apiKey) headers["x-goog-api-key"] = apiKey;
  const model = encodeURIComponent(candidate.upstreamModel);
  return { url: `${candidate.provider.endpoint}/models/${model}:${op}`, headers, body };
}

/** The caller's own Gemini body, with an output cap so the budget estimate holds. */
function geminiPassthrough(raw: Json, maxTokens: number): Json {
  const generation = isObject(raw["generationConfig"]) ? raw["generationConfig"] : {};
  return { ...raw, generationConfig: { maxOutputTokens: maxTokens, ...generation } };
}

function openAiPassthrough(
  raw: Json,
  model: string,
  field: string,
  maxTokens: number,
  stream: boolean,
): Json {
  const body: Record<string, unknown> = { ...raw, model };
  if (body["max_tokens"] === undefined && body["max_completion_tokens"] === undefined) {
    body[field] = maxTokens;
  }
  if (stream) {
    const options = isObject(raw["stream_options"]) ? raw["stream_options"] : {};
    body["stream_options"] = { ...options, include_usage: true };
  }
  return body;
}

export function decodeUpstreamMessage(candidate: Candidate, body: Json): LlmMessage {
  switch (candidate.provider.wire) {
    case "anthropic":
      return decodeAnthropicMessage(body, candidate.upstreamModel);
    case "openai-chat":
      return decodeOpenAiResponse(body, candidate.upstreamModel);
    case "gemini":
      return decodeGeminiResponse(body, candidate.upstreamModel);
  }
}

/** Decodes one upstream SSE `data` payload (already JSON-parsed) into canonical events. */
export function createUpstreamDecoder(candidate: Candidate): StreamDecoder {
  switch (candidate.provider.wire) {
    case "anthropic":
      return {
        push: (data) => {
          const event: StreamEvent | undefined = decodeAnthropicEvent(data, candidate.upstreamModel);
          return event ? [event] : [];
        },
        finish: () => [],
      };
    case "openai-chat":
      return createOpenAiChunkDecoder(candidate.upstreamModel);
    case "gemini":
      return createGeminiChunkDecoder(candidate.upstreamModel);
  }
}

/** A provider's error body (any of the three shapes) → its message, for relaying to the caller. */
export function upstreamErrorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body["error"];
  if (isObject(error)) return str(error["message"]);
  return str(error) ?? str(body["message"]);
}
