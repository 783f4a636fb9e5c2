import insertRequestsSql from "@sql/queries/llm/insert_ai_requests.sql" with { type: "text" };
import reclaimSql from "@sql/queries/llm/reclaim_stale_reservations.sql" with { type: "text" };
import reserveSql from "@sql/queries/llm/reserve_budget.sql" with { type: "text" };
import reserveBatchSql from "@sql/queries/llm/reserve_budgets_batch.sql" with { type: "text" };
import leaseSql from "@sql/queries/llm/lease_budgets.sql" with { type: "text" };
import settleBatchSql from "@sql/queries/llm/settle_budgets_batch.sql" with { type: "text" };
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
  await insertAiRequests(db, [r]);
}

/** Many rows (and their `llm.request` events) in one statement: the call recorder's group commit. */
export async function insertAiRequests(db: Queryable, records: readonly AiRequestRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query(insertRequestsSql, [JSON.stringify(records.map(columnsOf))]);
}

function columnsOf(r: AiRequestRecord): Record<string, unknown> {
  return {
    id: r.id,
    user_id: r.userId,
    session_id: r.sessionId,
    agent_id: r.agentId,
    department: r.department,
    api_key: r.apiKey,
    provider: r.provider,
    model: r.model,
    requested_model: r.requestedModel,
    route_id: r.routeId,
    dialect: r.dialect,
    stream: r.stream,
    input_tokens: r.usage.input_tokens,
    output_tokens: r.usage.output_tokens,
    cache_read_tokens: r.usage.cache_read_input_tokens,
    cache_creation_tokens: r.usage.cache_creation_input_tokens,
    cost_microdollars: r.costMicros,
    latency_ms: Math.round(r.latencyMs),
    status: r.status,
    stop_reason: r.stopReason,
    error: r.error,
    attempts: r.attempts,
    decision_id: r.decisionId,
    trace_id: r.traceId,
    created_at: r.createdAt.toISOString(),
  };
}

/** Releases reservations older than `olderThanMs` (a crashed process's); how many were released. */
export async function reclaimStaleReservations(db: Queryable, olderThanMs: number): Promise<number> {
  const row = await db.one<{ reservations: number }>(reclaimSql, [olderThanMs]);
  return row.reservations;
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
  return reservationOf(row, budgets);
}

export interface ReservationRequest {
  readonly reservationId: string;
  readonly budgets: readonly BoundBudget[];
  readonly amountMicros: number;
}

/** `reserveBudgets` for several calls in one statement, in order, each as if alone (never dry). */
export async function reserveBudgetsBatch(
  db: Queryable,
  requests: readonly ReservationRequest[],
): Promise<Reservation[]> {
  const json = JSON.stringify(requests.map((r) => ({
    id: r.reservationId,
    budgets: r.budgets.map((b) => b.name),
    keys: r.budgets.map((b) => b.key),
    windows: r.budgets.map((b) => b.window),
    limits: r.budgets.map((b) => String(b.limitMicros)),
    enforce: r.budgets.map((b) => String(b.enforce)),
    amount: r.amountMicros,
  })));
  const rows = await db.many<ReserveRow & { n: number }>(reserveBatchSql, [json]);
  if (rows.length !== requests.length) throw new Error(`reserved ${rows.length} of ${requests.length}`);
  return rows.map((row, i) => reservationOf(row, requests[i]!.budgets));
}

function reservationOf(row: ReserveRow, budgets: readonly BoundBudget[]): Reservation {
  if (row.admitted) return { admitted: true, shadowExceeded: row.shadow ?? [] };
  const budget = budgets[row.failed - 1]!;
  return {
    admitted: false,
    budget,
    remainingMicros: Number(row.remaining_micros ?? 0),
    retryAfterSeconds: row.retry_after_s,
  };
}

/**
 * What the call recorder writes for a finished call: its reservation replaced by the actual cost (0
 * releases it), or, with `keep` (a call admitted under a budget lease), the actual cost moved out of
 * the lease's reservation into spent, the lease staying open.
 */
export interface Settlement {
  readonly reservationId: string;
  readonly actualMicros: number;
  readonly keep?: boolean;
}

/** Settles many reservations in one statement (windows locked once, in key order); settling twice does nothing. */
export async function settleBudgetsBatch(db: Queryable, settlements: readonly Settlement[]): Promise<number> {
  if (settlements.length === 0) return 0;
  const json = JSON.stringify(
    settlements.map((s) => ({ id: s.reservationId, actual: s.actualMicros, keep: s.keep === true })),
  );
  return (await db.one<{ settled: number }>(settleBatchSql, [json])).settled;
}

/**
 * Reserves `blockMicros` in every window of `budgets` under `leaseId`, only if each has `headroom`
 * times the block free and ends at least `minLeftSeconds` from now (sp_llm_budget_lease); whether it did.
 */
export async function leaseBudgets(
  db: Queryable,
  lease: { readonly leaseId: string; readonly budgets: readonly BoundBudget[]; readonly blockMicros: number },
  rules: { readonly headroom: number; readonly minLeftSeconds: number },
): Promise<boolean> {
  const row = await db.one<{ granted: boolean }>(leaseSql, [
    lease.leaseId,
    lease.budgets.map((b) => b.name),
    lease.budgets.map((b) => b.key),
    lease.budgets.map((b) => b.window),
    lease.budgets.map((b) => String(b.limitMicros)),
    Math.ceil(lease.blockMicros),
    rules.headroom,
    rules.minLeftSeconds,
  ]);
  return row.granted;
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
