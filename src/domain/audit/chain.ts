import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical_json.ts";
import type { NewDecisionRecord } from "./record.ts";

/**
 * The hash chain (ARCHITECTURE §6): `row_hash = sha256_hex(canonical(row) || prev_hash)`, where the
 * canonical row is the 18 columns plus `seq` as canonical JSON under their column names, with
 * `created_at` as ISO-8601 (milliseconds, UTC) and nulls written out. The first row's `prev_hash`
 * is 64 zeros.
 */
export const GENESIS_HASH = "0".repeat(64);

export interface ChainHead {
  readonly seq: number;
  readonly rowHash: string;
}

export const GENESIS_HEAD: ChainHead = { seq: 0, rowHash: GENESIS_HASH };

export interface ChainedDecision extends NewDecisionRecord {
  readonly seq: number;
  readonly prevHash: string;
  readonly rowHash: string;
}

export function canonicalDecision(record: NewDecisionRecord, seq: number): string {
  return canonicalJson({
    id: record.id,
    user_id: record.userId,
    session_id: record.sessionId,
    tool_name: record.toolName,
    agent_id: record.agentId,
    agent_scope: record.agentScope,
    decision: record.decision,
    policy: record.policy,
    reason: record.reason,
    evaluated_rules: record.evaluatedRules,
    plugin_id: record.pluginId,
    actor_kind: record.actorKind,
    actor_id: record.actorId,
    act_chain: record.actChain,
    context_id: record.contextId,
    task_id: record.taskId,
    trace_id: record.traceId,
    created_at: record.createdAt.toISOString(),
    seq,
  });
}

export function hashDecision(record: NewDecisionRecord, seq: number, prevHash: string): string {
  return createHash("sha256").update(canonicalDecision(record, seq)).update(prevHash).digest("hex");
}

/** Places records after `head`, in order: gap-free `seq`, each linked to the one before. */
export function chainDecisions(records: readonly NewDecisionRecord[], head: ChainHead): ChainedDecision[] {
  const out: ChainedDecision[] = [];
  let prev = head;
  for (const record of records) {
    const seq = prev.seq + 1;
    const rowHash = hashDecision(record, seq, prev.rowHash);
    out.push({ ...record, seq, prevHash: prev.rowHash, rowHash });
    prev = { seq, rowHash };
  }
  return out;
}
