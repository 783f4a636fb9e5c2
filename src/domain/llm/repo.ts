import insertRequestSql from "@sql/queries/llm/insert_ai_request.sql" with { type: "text" };
import reserveSql from "@sql/queries/llm/reserve_budget.sql" with { type: "text" };
import settleSql from "@sql/queries/llm/settle_budget.sql" with { type: "text" };
import insertSessionSql from "@sql/queries/llm/insert_gateway_session.sql" with { type: "text" };
import findSessionSql from "@sql/queries/llm/find_gateway_session.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { BoundBudget } from "./policies.ts";
import type { Usage } from "./types.ts";

/** `ai_requests` rows, budget reservations and gateway sessions (sql/queries/llm). */
export interface AttemptRecord {
  readonly provider: string;
  readonly model: string;
  readonly outcome: string;
  readonly status?: number;
}

export interface AiRequestRecord {
  readonly id: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly agentId: string | null;
  readonly department: string | null;
  readonly apiKey: string | null;
  readonly provider: string;
  readonly model: string;
  readonly requestedModel: string;
  readonly routeId: string | null;
  readonly dialect: string;
  readonly stream: boolean;
  readonly usage: Usage;
  readonly costMicros: number;
  readonly latencyMs: number;
  readonly status: "completed" | "failed" | "denied";
  readonly stopReason: string | null;
  readonly error: string | null;
  readonly attempts: readonly AttemptRecord[];
  readonly decisionId: string | null;
  readonly traceId: string;
  readonly createdAt: Date;
}

export async function insertAiRequest(db: Queryable, r: AiRequestRecord): Promise<void> {
  await db.query(insertRequestSql, [
    r.id,
    r.userId,
    r.sessionId,
    r.agentId,
    r.department,
    r.apiKey,
    r.provider,
    r.model,
    r.requestedModel,
    r.routeId,
    r.dialect,
    r.stream,
    r.usage.input_tokens,
    r.usage.output_tokens,
    r.usage.cache_read_input_tokens,
    r.usage.cache_creation_input_tokens,
    r.costMicros,
    Math.round(r.latencyMs),
    r.status,
    r.stopReason,
    r.error,
    JSON.stringify(r.attempts),
    r.decisionId,
    r.traceId,
    r.createdAt,
  ]);
}

export type Reservation =
  | { readonly admitted: true; readonly shadowExceeded: readonly string[] }
  | {
    readonly admitted: false;
    readonly budget: BoundBudget;
    readonly remainingMicros: number;
    readonly retryAfterSeconds: number;
  };

interface ReserveRow {
  admitted: boolean;
  failed: number;
  remaining_micros: number | string | null;
  retry_after_s: number;
  shadow: string[] | null;
}

/** Reserves `amount` in every bound budget at once, or in none (the first enforced one that lacks room). */
export async function reserveBudgets(
  db: Queryable,
  reservationId: string,
  budgets: readonly BoundBudget[],
  amountMicros: number,
  dryRun: boolean,
): Promise<Reservation> {
  const row = await db.one<ReserveRow>(reserveSql, [
    reservationId,
    budgets.map((b) => b.name),
    budgets.map((b) => b.key),
    budgets.map((b) => b.window),
    budgets.map((b) => String(b.limitMicros)),
    budgets.map((b) => String(b.enforce)),
    amountMicros,
    dryRun,
  ]);
  if (row.admitted) return { admitted: true, shadowExceeded: row.shadow ?? [] };
  const budget = budgets[row.failed - 1]!;
  return {
    admitted: false,
    budget,
    remainingMicros: Number(row.remaining_micros ?? 0),
    retryAfterSeconds: row.retry_after_s,
  };
}

/** Replaces a reservation by the actual cost (0 releases it); settling twice does nothing. */
export async function settleBudgets(
  db: Queryable,
  reservationId: string,
  actualMicros: number,
): Promise<void> {
  await db.query(settleSql, [reservationId, actualMicros]);
}

export interface GatewaySession {
  readonly id: string;
  readonly userId: string;
  readonly apiKey: string;
  readonly expiresAt: Date;
}

export async function insertGatewaySession(db: Queryable, s: GatewaySession, now: Date): Promise<void> {
  await db.query(insertSessionSql, [s.id, s.userId, s.apiKey, now, s.expiresAt]);
}

export async function findGatewaySession(db: Queryable, id: string): Promise<GatewaySession | undefined> {
  const row = await db.maybeOne<{ id: string; user_id: string; api_key: string; expires_at: Date }>(
    findSessionSql,
    [id],
  );
  return row && { id: row.id, userId: row.user_id, apiKey: row.api_key, expiresAt: row.expires_at };
}
