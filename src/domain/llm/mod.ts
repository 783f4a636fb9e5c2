/**
 * LLM provider gateway (ARCHITECTURE §5–§7, ISSUE 7): providers merged over the embedded catalog,
 * routing by model, translation between the Anthropic, OpenAI and Gemini wires (canonical shape:
 * Anthropic Messages), exact microdollar pricing, budgets/quotas/exposure from
 * `services/gateway/policies.yaml`, egress redaction of model output, and the `ai_requests` record.
 * Pure apart from `repo.ts` (SQL) and `sse.ts` (stream parsing).
 */
export type {
  Block,
  ChatMessage,
  Dialect,
  LlmMessage,
  LlmRequest,
  StopReason,
  StreamEvent,
  TextBlock,
  ToolSpec,
  Usage,
  Wire,
} from "./types.ts";
export { ZERO_USAGE } from "./types.ts";
export { DEFAULT_CATALOG } from "./catalog.ts";
export {
  mergeProviders,
  type ModelSpec,
  type Pricing,
  type ProviderProblem,
  type ProviderSpec,
} from "./providers.ts";
export {
  buildRouteTable,
  type Candidate,
  listedModels,
  matchesPattern,
  type ResolvedRoute,
  resolveRoute,
  type RouteTable,
  slugOf,
} from "./routing.ts";
export { costMicros, estimateMicros, formatUsd } from "./pricing.ts";
export { type Json, parseJsonBody } from "./decode.ts";
export { parseAnthropicRequest } from "./anthropic_request.ts";
export { anthropicFrame } from "./anthropic_encode.ts";
export { parseOpenAiRequest, wantsStreamUsage } from "./openai_request.ts";
export { encodeOpenAiResponse } from "./openai_response.ts";
export type { StreamDecoder } from "./openai_stream.ts";
export { createOpenAiChunkEncoder, type StreamEncoder } from "./openai_stream_encode.ts";
export {
  buildUpstreamCall,
  type CallerWire,
  createUpstreamDecoder,
  decodeUpstreamMessage,
  maxTokensFor,
  type UpstreamCall,
  upstreamErrorMessage,
} from "./upstream.ts";
export { parseGeminiRequest } from "./gemini_request.ts";
export { createGeminiChunkEncoder, encodeGeminiResponse } from "./gemini_encode_response.ts";
export { parseSse, type SseEvent, sseFrame } from "./sse.ts";
export { emptyTally, type StreamTally, tallyEvent } from "./stream_tally.ts";
export {
  createStreamRedactor,
  type FindSecrets,
  redactMessage,
  redactText,
  type SecretSpan,
} from "./redact.ts";
export { MAX_DEPTH as PROMPT_MAX_DEPTH, promptText, readPrompt, routePrompt } from "./prompt.ts";
export {
  bindBudgets,
  bindQuotas,
  type BoundBudget,
  type BoundQuota,
  type Caller,
  exposureDenial,
} from "./policies.ts";
export {
  type AiRequestRecord,
  type AttemptRecord,
  findGatewaySession,
  type GatewaySession,
  insertAiRequest,
  insertAiRequests,
  insertGatewaySession,
  leaseBudgets,
  reclaimStaleReservations,
  type Reservation,
  type ReservationRequest,
  reserveBudgets,
  reserveBudgetsBatch,
  settleBudgetsBatch,
  type Settlement,
} from "./repo.ts";
