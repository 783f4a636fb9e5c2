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
 * A charge a decision makes in the database together with its row (sp_audit_append_charged): a
 * rolling-window hit (rate limits, request quotas) or a budget reservation.
 */
export type ChargeOp =
  | { readonly op: "rate"; readonly key: string; readonly limit: number; readonly window: number }
  | {
    readonly op: "reserve";
    readonly id: string;
    readonly budgets: readonly string[];
    readonly keys: readonly string[];
    readonly windows: readonly string[];
    readonly limits: readonly string[];
    readonly enforce: readonly boolean[];
    readonly amount: number;
  };

export type ChargeResult =
  | { readonly op: "rate"; readonly allowed: boolean; readonly used: number; readonly retryAfterMs: number }
  | {
    readonly op: "reserve";
    readonly admitted: boolean;
    /** 1-based index of the enforced budget that lacked room (0 when admitted). */
    readonly failed: number;
    readonly remainingMicros: number;
    readonly retryAfterSeconds: number;
    readonly shadow: readonly string[];
  };

/** Per charging stage, in chain order: the charges it makes, all or none. */
export type StageCharges = readonly (readonly ChargeOp[])[];

/** What each stage's charges did, stage by stage (a refused entry stops at the refusing stage). */
export type ChargedReceipt =
  | { readonly appended: true; readonly seq: number; readonly charges: readonly (readonly ChargeResult[])[] }
  | {
    readonly appended: false;
    readonly refusedStage: number;
    readonly charges: readonly (readonly ChargeResult[])[];
  };

/**
 * Where decisions go. `append` resolves only once the record is durable (committed, or fsync'd to
 * the local journal while PostgreSQL is unreachable); it rejects when neither is possible, and the
 * caller must then deny (fail closed).
 */
export interface AuditSink {
  append(record: NewDecisionRecord): Promise<AppendReceipt>;
  /**
   * Appends `record` in one step with its stages' charges, and only if every stage's charges pass
   * (each stage all or none; stages before a refusing one keep theirs). Database only: it rejects
   * while PostgreSQL is unreachable or when the commit was not confirmed in time; the charges may
   * or may not have been made then, and the caller must deny with a row of its own.
   */
  appendCharged?(record: NewDecisionRecord, stages: StageCharges): Promise<ChargedReceipt>;
}
