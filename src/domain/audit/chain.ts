import { createHash } from "node:crypto";
import { canonicalMembers } from "./canonical_json.ts";
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

interface Placed {
  readonly row: NewDecisionRecord;
  readonly seq: number;
}

/** The 19 members of the canonical row, in sorted column order (what canonicalJson of the row gives). */
const COLUMNS: readonly (readonly [string, (placed: Placed) => unknown])[] = [
  ["act_chain", (p) => p.row.actChain],
  ["actor_id", (p) => p.row.actorId],
  ["actor_kind", (p) => p.row.actorKind],
  ["agent_id", (p) => p.row.agentId],
  ["agent_scope", (p) => p.row.agentScope],
  ["context_id", (p) => p.row.contextId],
  ["created_at", (p) => p.row.createdAt.toISOString()],
  ["decision", (p) => p.row.decision],
  ["evaluated_rules", (p) => p.row.evaluatedRules],
  ["id", (p) => p.row.id],
  ["plugin_id", (p) => p.row.pluginId],
  ["policy", (p) => p.row.policy],
  ["reason", (p) => p.row.reason],
  ["seq", (p) => p.seq],
  ["session_id", (p) => p.row.sessionId],
  ["task_id", (p) => p.row.taskId],
  ["tool_name", (p) => p.row.toolName],
  ["trace_id", (p) => p.row.traceId],
  ["user_id", (p) => p.row.userId],
];

export function canonicalDecision(record: NewDecisionRecord, seq: number): string {
  return canonicalMembers(COLUMNS, { row: record, seq });
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
