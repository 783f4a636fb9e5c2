import { type AiRequestRecord, ZERO_USAGE } from "@domain/llm/mod.ts";
import { newUuidV7 } from "@shared/ids.ts";

/** A completed `ai_requests` row with `outputTokens` tokens costing `costMicros` (recorder tests). */
export function aiRequestRow(outputTokens = 0, costMicros = 0, traceId = "t"): AiRequestRecord {
  return {
    id: newUuidV7(Date.now()),
    userId: null,
    sessionId: "s",
    agentId: null,
    department: null,
    apiKey: null,
    provider: "p",
    model: "m",
    requestedModel: "m",
    routeId: null,
    dialect: "anthropic",
    stream: false,
    usage: { ...ZERO_USAGE, output_tokens: outputTokens },
    costMicros,
    latencyMs: 1,
    status: "completed",
    stopReason: null,
    error: null,
    attempts: [],
    decisionId: null,
    traceId,
    createdAt: new Date(),
  };
}
