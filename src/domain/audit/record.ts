import type { DecisionId, SessionId, TraceId, UserId } from "@shared/ids.ts";

/**
 * One governance decision as the audit trail stores it (`governance_decisions`, ARCHITECTURE §6):
 * the original's 18 columns. The writer adds `seq`, `prev_hash` and `row_hash`.
 */
export type ActorKind = "user" | "anonymous" | "system" | "job" | "mcp" | "agent";

export interface NewDecisionRecord {
  readonly id: DecisionId;
  readonly userId: UserId | null;
  readonly sessionId: SessionId | string | null;
  readonly toolName: string | null;
  readonly agentId: string | null;
  readonly agentScope: "admin" | "user" | "unknown";
  readonly decision: "allow" | "deny";
  /** The failing stage id, `default_allow`, or one of the fixed policy ids of §6. */
  readonly policy: string;
  readonly reason: string | null;
  /** `{principal, target, chain: [{policy_id, result, detail, duration_ms}], policy_version}` */
  readonly evaluatedRules: Readonly<Record<string, unknown>>;
  readonly pluginId: string | null;
  readonly actorKind: ActorKind;
  readonly actorId: string | null;
  readonly actChain: readonly string[];
  readonly contextId: string | null;
  readonly taskId: string | null;
  readonly traceId: TraceId;
  readonly createdAt: Date;
}

export interface AppendReceipt {
  /** The row's place in the chain, or null while it waits in the local journal (database down). */
  readonly seq: number | null;
  readonly durable: "database" | "journal";
}

/**
 * Where decisions go. `append` resolves only once the record is durable (committed, or fsync'd to
 * the local journal while PostgreSQL is unreachable); it rejects when neither is possible, and the
 * caller must then deny (fail closed).
 */
export interface AuditSink {
  append(record: NewDecisionRecord): Promise<AppendReceipt>;
}
