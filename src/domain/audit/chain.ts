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

/**
 * The canonical row: the 18 columns and `seq` under their names, written in sorted order so that
 * the whole row (its rules already key-sorted by normalizeDecision) is one `JSON.stringify`.
 */
export function canonicalDecision(r: NewDecisionRecord, seq: number): string {
  return canonicalJson({
    act_chain: r.actChain,
    actor_id: r.actorId,
    actor_kind: r.actorKind,
    agent_id: r.agentId,
    agent_scope: r.agentScope,
    context_id: r.contextId,
    created_at: r.createdAt.toISOString(),
    decision: r.decision,
    evaluated_rules: r.evaluatedRules,
    id: r.id,
    plugin_id: r.pluginId,
    policy: r.policy,
    reason: r.reason,
    seq,
    session_id: r.sessionId,
    task_id: r.taskId,
    tool_name: r.toolName,
    trace_id: r.traceId,
    user_id: r.userId,
  });
}

export function hashDecision(record: NewDecisionRecord, seq: number, prevHash: string): string {
  return hashCanonical(canonicalDecision(record, seq), prevHash);
}

function hashCanonical(canonical: string, prevHash: string): string {
  return createHash("sha256").update(canonical).update(prevHash).digest("hex");
}

/** Places records after `head`, in order: gap-free `seq`, each linked to the one before. */
export function chainDecisions(records: readonly NewDecisionRecord[], head: ChainHead): ChainedDecision[] {
  return chainBatch(records, head).rows;
}

/**
 * `chainDecisions` plus the batch as the sequencer's SQL takes it: a JSON array of rows under their
 * column names with `prev_hash` and `row_hash`. Each row's JSON is its canonical text (already the
 * 18 columns and `seq` under their names) with the two hashes appended, so a row is serialised once.
 */
export function chainBatch(
  records: readonly NewDecisionRecord[],
  head: ChainHead,
): { readonly rows: ChainedDecision[]; readonly json: string } {
  const rows: ChainedDecision[] = [];
  let json = "[";
  let prev = head;
  for (const record of records) {
    const seq = prev.seq + 1;
    const canonical = canonicalDecision(record, seq);
    const rowHash = hashCanonical(canonical, prev.rowHash);
    rows.push({ ...record, seq, prevHash: prev.rowHash, rowHash });
    json += (rows.length === 1 ? "" : ",") + canonical.slice(0, -1) +
      `,"prev_hash":"${prev.rowHash}","row_hash":"${rowHash}"}`;
    prev = { seq, rowHash };
  }
  return { rows, json: json + "]" };
}
