import type { DecisionId, TraceId, UserId } from "@shared/ids.ts";
import type { ChainedDecision } from "./chain.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { ActorKind, NewDecisionRecord } from "./record.ts";

/**
 * Decisions and checkpoints as plain JSON objects under their column names: rows read from the
 * database (Date, number), lines of the local journal and rows of an export bundle (ISO strings).
 * Decoders throw a `TypeError` naming the field on anything malformed.
 */
type Obj = Readonly<Record<string, unknown>>;

const SCOPES = ["admin", "user", "unknown"] as const;
const DECISIONS = ["allow", "deny"] as const;
const ACTOR_KINDS: readonly ActorKind[] = ["user", "anonymous", "system", "job", "mcp", "agent"];

export function encodeRecord(r: NewDecisionRecord): Record<string, unknown> {
  return {
    id: r.id,
    user_id: r.userId,
    session_id: r.sessionId,
    tool_name: r.toolName,
    agent_id: r.agentId,
    agent_scope: r.agentScope,
    decision: r.decision,
    policy: r.policy,
    reason: r.reason,
    evaluated_rules: r.evaluatedRules,
    plugin_id: r.pluginId,
    actor_kind: r.actorKind,
    actor_id: r.actorId,
    act_chain: r.actChain,
    context_id: r.contextId,
    task_id: r.taskId,
    trace_id: r.traceId,
    created_at: r.createdAt.toISOString(),
  };
}

export function encodeChained(d: ChainedDecision): Record<string, unknown> {
  return { ...encodeRecord(d), seq: d.seq, prev_hash: d.prevHash, row_hash: d.rowHash };
}

export function decodeRecord(o: Obj): NewDecisionRecord {
  return {
    id: text(o, "id") as DecisionId,
    userId: maybeText(o, "user_id") as UserId | null,
    sessionId: maybeText(o, "session_id"),
    toolName: maybeText(o, "tool_name"),
    agentId: maybeText(o, "agent_id"),
    agentScope: oneOf(o, "agent_scope", SCOPES),
    decision: oneOf(o, "decision", DECISIONS),
    policy: text(o, "policy"),
    reason: maybeText(o, "reason"),
    evaluatedRules: object(o, "evaluated_rules"),
    pluginId: maybeText(o, "plugin_id"),
    actorKind: oneOf(o, "actor_kind", ACTOR_KINDS),
    actorId: maybeText(o, "actor_id"),
    actChain: textArray(o, "act_chain"),
    contextId: maybeText(o, "context_id"),
    taskId: maybeText(o, "task_id"),
    traceId: text(o, "trace_id") as TraceId,
    createdAt: time(o, "created_at"),
  };
}

export function decodeChained(o: Obj): ChainedDecision {
  return {
    ...decodeRecord(o),
    seq: seq(o, "seq"),
    prevHash: text(o, "prev_hash"),
    rowHash: text(o, "row_hash"),
  };
}

export function encodeCheckpoint(cp: Checkpoint): Record<string, unknown> {
  return {
    seq: cp.seq,
    row_hash: cp.rowHash,
    signed_at: cp.signedAt.toISOString(),
    key_id: cp.keyId,
    signature: cp.signature,
  };
}

export function decodeCheckpoint(o: Obj): Checkpoint {
  return {
    seq: seq(o, "seq"),
    rowHash: text(o, "row_hash"),
    signedAt: time(o, "signed_at"),
    keyId: text(o, "key_id"),
    signature: text(o, "signature"),
  };
}

function fail(key: string, want: string): never {
  throw new TypeError(`${key}: expected ${want}`);
}

function text(o: Obj, key: string): string {
  const v = o[key];
  return typeof v === "string" ? v : fail(key, "a string");
}

function maybeText(o: Obj, key: string): string | null {
  const v = o[key];
  return v === null || v === undefined ? null : typeof v === "string" ? v : fail(key, "a string or null");
}

function oneOf<T extends string>(o: Obj, key: string, values: readonly T[]): T {
  const v = o[key];
  return values.includes(v as T) ? v as T : fail(key, values.join("|"));
}

function object(o: Obj, key: string): Record<string, unknown> {
  const v = o[key];
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : fail(key, "an object");
}

function textArray(o: Obj, key: string): string[] {
  const v = o[key];
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : fail(key, "an array of strings");
}

function time(o: Obj, key: string): Date {
  const v = o[key];
  const date = v instanceof Date ? v : typeof v === "string" ? new Date(v) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : fail(key, "a timestamp");
}

function seq(o: Obj, key: string): number {
  const v = o[key];
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : fail(key, "a positive integer");
}
