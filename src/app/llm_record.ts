import type { Principal } from "@domain/identity/mod.ts";
import {
  type AiRequestRecord,
  type AttemptRecord,
  type Candidate,
  costMicros,
  type Dialect,
  insertAiRequest,
  settleBudgets,
  type StopReason,
  type Usage,
  ZERO_USAGE,
} from "@domain/llm/mod.ts";
import type { Db } from "@infra/db/db.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import type { Clock } from "@shared/clock.ts";
import { describeError } from "@shared/errors.ts";
import { newUuidV7 } from "@shared/ids.ts";
import type { Logger } from "@shared/logger.ts";
import { apiKeyPrefix } from "./llm_sessions.ts";

/**
 * The end of every governed `/v1` call: settle the budget reservation with the actual cost (0
 * releases it) and write the `ai_requests` row (+ `llm.request` event) under the call's trace.
 * Failures here are logged, never thrown: the caller already has (or is getting) its answer.
 */
export interface RecordDeps {
  readonly db: Db;
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

export async function finishCall(deps: RecordDeps, facts: CallFacts, end: CallEnd): Promise<number> {
  const usage = end.usage ?? ZERO_USAGE;
  const cost = end.status === "denied" ? 0 : costMicros(usage, end.candidate.model?.pricing);
  try {
    await settleBudgets(deps.db, facts.reservationId, cost);
  } catch (error) {
    deps.log.error("llm.settle_failed", { trace_id: facts.traceId, error: describeError(error) });
  }
  const provider = end.candidate.provider.name;
  deps.metrics.counter("llm_requests_total", "Gateway calls by provider and status", {
    provider,
    status: end.status,
  });
  if (cost > 0) {
    deps.metrics.counter("llm_cost_microdollars_total", "Settled gateway cost", { provider }, cost);
  }
  try {
    await insertAiRequest(deps.db, requestRecord(deps.clock.now(), facts, end, usage, cost));
  } catch (error) {
    deps.log.error("llm.record_failed", { trace_id: facts.traceId, error: describeError(error) });
  }
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
