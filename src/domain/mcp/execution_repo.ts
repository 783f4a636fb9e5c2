import insertExecutionsSql from "@sql/queries/mcp/insert_executions.sql" with { type: "text" };
import insertEventSql from "@sql/queries/mcp/insert_event.sql" with { type: "text" };
import listExecutionsSql from "@sql/queries/mcp/list_executions.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";

/**
 * `mcp_tool_executions`: one row per governed tools/call (denied ones included), linked to its
 * decision by `trace_id`, plus an `mcp.tool_executed` event. Sizes and status only: arguments and
 * results are never stored, and `error` is our own short text, never an upstream's message.
 */
export type ExecutionStatus = "success" | "failed" | "timeout" | "denied";

export interface ToolExecution {
  readonly id: string;
  readonly traceId: string;
  readonly decisionId: string | null;
  readonly server: string;
  readonly tool: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly status: ExecutionStatus;
  readonly durationMs: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly error: string | null;
  readonly createdAt: Date;
}

/** Many rows (and their `mcp.tool_executed` events) in one statement: the recorder's group commit. */
export async function insertExecutions(db: Queryable, rows: readonly ToolExecution[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(insertExecutionsSql, [JSON.stringify(rows.map(columnsOf))]);
}

function columnsOf(e: ToolExecution): Record<string, unknown> {
  return {
    id: e.id,
    trace_id: e.traceId,
    decision_id: e.decisionId,
    server: e.server,
    tool: e.tool,
    user_id: e.userId,
    session_id: e.sessionId,
    status: e.status,
    duration_ms: e.durationMs,
    input_bytes: e.inputBytes,
    output_bytes: e.outputBytes,
    error: e.error,
    created_at: e.createdAt.toISOString(),
  };
}

export interface ExecutionFilter {
  readonly server?: string | undefined;
  readonly status?: ExecutionStatus | undefined;
  readonly since?: Date | undefined;
  readonly limit: number;
}

export async function listExecutions(db: Queryable, f: ExecutionFilter): Promise<Record<string, unknown>[]> {
  const rows = await db.many<Record<string, unknown>>(listExecutionsSql, [
    f.server ?? null,
    f.status ?? null,
    f.since ?? null,
    f.limit,
  ]);
  return rows.map((r) => ({
    ...r,
    created_at: r["created_at"] instanceof Date ? r["created_at"].toISOString() : r["created_at"],
  }));
}

/** A gateway system event (`mcp.server_up`, `mcp.server_down`): secret-free facts only. */
export async function insertMcpEvent(
  db: Queryable,
  kind: string,
  payload: Readonly<Record<string, unknown>>,
  at: Date,
): Promise<void> {
  await db.query(insertEventSql, [kind, JSON.stringify(payload), at]);
}
