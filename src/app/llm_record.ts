import type { Principal } from "@domain/identity/mod.ts";
import {
  type AiRequestRecord,
  type AttemptRecord,
  type Candidate,
  costMicros,
  type Dialect,
  type StopReason,
  type Usage,
  ZERO_USAGE,
} from "@domain/llm/mod.ts";
import type { Db } from "@infra/db/db.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import type { Clock } from "@shared/clock.ts";
import { newUuidV7 } from "@shared/ids.ts";
import type { Logger } from "@shared/logger.ts";
import type { CallRecorder } from "./llm_recorder.ts";
import { apiKeyPrefix } from "./llm_sessions.ts";

/**
 * The end of every governed `/v1` call: cost it, count it, and hand the budget settlement (actual
 * cost; 0 releases) and the `ai_requests` row (+ `llm.request` event) to the call recorder, which
 * writes them off the latency path (llm_recorder.ts). Never throws.
 */
export interface RecordDeps {
  readonly db: Db;
  readonly recorder: CallRecorder;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Pick<MetricsRegistry, "counter">;
}

export interface CallFacts {
  readonly principal: Principal;
  readonly sessionId: string;
  readonly requestedModel: string;
  readonly routeId: string;
  readonly dialect: Dialect;
  readonly stream: boolean;
  readonly traceId: string;
  readonly reservationId: string;
  /** A budget bound the caller when the chain ran, so the budget stage reserved under `reservationId`. */
  readonly reserved: boolean;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
}

export interface CallEnd {
  readonly status: "completed" | "failed" | "denied";
  readonly candidate: Candidate;
  readonly decisionId: string | null;
  readonly usage?: Usage;
  readonly stopReason?: StopReason | null;
  readonly error?: string | null;
  readonly attempts?: readonly AttemptRecord[];
}

export function finishCall(deps: RecordDeps, facts: CallFacts, end: CallEnd): number {
  const usage = end.usage ?? ZERO_USAGE;
  const cost = end.status === "denied" ? 0 : costMicros(usage, end.candidate.model?.pricing);
  const provider = end.candidate.provider.name;
  deps.metrics.counter("llm_requests_total", "Gateway calls by provider and status", {
    provider,
    status: end.status,
  });
  if (cost > 0) {
    deps.metrics.counter("llm_cost_microdollars_total", "Settled gateway cost", { provider }, cost);
  }
  deps.recorder.record({
    row: requestRecord(deps.clock.now(), facts, end, usage, cost),
    settle: facts.reserved ? { reservationId: facts.reservationId, actualMicros: cost } : null,
  });
  return cost;
}

function requestRecord(
  now: Date,
  facts: CallFacts,
  end: CallEnd,
  usage: Usage,
  cost: number,
): AiRequestRecord {
  return {
    id: newUuidV7(now.getTime()),
    userId: facts.principal.userId,
    sessionId: facts.sessionId,
    agentId: facts.principal.agentId,
    department: facts.principal.department,
    apiKey: apiKeyPrefix(facts.principal),
    provider: end.candidate.provider.name,
    model: end.candidate.upstreamModel,
    requestedModel: facts.requestedModel,
    routeId: facts.routeId,
    dialect: facts.dialect,
    stream: facts.stream,
    usage,
    costMicros: cost,
    latencyMs: performance.now() - facts.startedAt,
    status: end.status,
    stopReason: end.stopReason ?? null,
    error: end.error ?? null,
    attempts: end.attempts ?? [],
    decisionId: end.decisionId,
    traceId: facts.traceId,
    createdAt: now,
  };
}
