import listSql from "@sql/queries/audit/list_decisions.sql" with { type: "text" };
import traceDecisionsSql from "@sql/queries/audit/trace_decisions.sql" with { type: "text" };
import traceEventsSql from "@sql/queries/audit/trace_events.sql" with { type: "text" };
import type { Queryable, QueryResult, Row } from "@infra/db/db.ts";
import type { ChainedDecision } from "./chain.ts";
import { decodeChained } from "./codec.ts";

/** Reading the trail: `infra logs audit` (filtered, newest first) and `infra logs trace show`. */
export interface DecisionFilter {
  readonly decision?: "allow" | "deny";
  readonly policy?: string;
  /** A user id or an email. */
  readonly user?: string;
  readonly session?: string;
  readonly since?: Date;
  readonly limit: number;
}

export interface TraceEvent {
  readonly id: number;
  readonly kind: string;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

export interface TraceRecord {
  readonly decisions: readonly ChainedDecision[];
  readonly events: readonly TraceEvent[];
}

/** Columns: seq, created_at, decision, policy, tool_name, user, session, reason. */
export async function listDecisions(db: Queryable, filter: DecisionFilter): Promise<QueryResult> {
  return await db.query(listSql, [
    filter.decision ?? null,
    filter.policy ?? null,
    filter.user ?? null,
    filter.session ?? null,
    filter.since ?? null,
    filter.limit,
  ]);
}

export async function readTrace(db: Queryable, traceId: string): Promise<TraceRecord> {
  const [decisions, events] = await Promise.all([
    db.many<Row>(traceDecisionsSql, [traceId]),
    db.many<{ id: number; kind: string; created_at: Date; delivered_at: Date | null }>(traceEventsSql, [
      traceId,
    ]),
  ]);
  return {
    decisions: decisions.map(decodeChained),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      createdAt: e.created_at,
      deliveredAt: e.delivered_at,
    })),
  };
}
