import lockSql from "@sql/queries/audit/lock_sequencer.sql" with { type: "text" };
import chainStateSql from "@sql/queries/audit/chain_state.sql" with { type: "text" };
import existingIdsSql from "@sql/queries/audit/existing_decision_ids.sql" with { type: "text" };
import insertDecisionsSql from "@sql/queries/audit/insert_decisions.sql" with { type: "text" };
import insertCheckpointSql from "@sql/queries/audit/insert_checkpoint.sql" with { type: "text" };
import appendChargedSql from "@sql/queries/audit/append_charged.sql" with { type: "text" };
import type { Db, Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import {
  canonicalParts,
  chainDecisions,
  type ChainedDecision,
  type ChainHead,
  GENESIS_HASH,
} from "./chain.ts";
import {
  checkpointMessage,
  type CheckpointPolicy,
  type CheckpointSigner,
  dueCheckpoints,
  isStale,
  type LastCheckpoint,
} from "./checkpoint.ts";
import { encodeChained } from "./codec.ts";
import type { ChargeResult, NewDecisionRecord, StageCharges } from "./record.ts";

/**
 * The single sequencer. Each batch is one transaction that takes a transaction-scoped advisory lock
 * (so every writer of every process on this database takes turns), reads the chain head, chains the
 * batch after it, inserts it with one multi-row INSERT that also writes one outbox event and one
 * NOTIFY per decision, and signs the checkpoints that fall due — all or nothing.
 *
 * Two ways to run it: `appendPlaced` (one round trip, the writer's path: one
 * `sp_audit_append_charged` call takes the same lock, runs each entry's charges, and places and
 * hashes the rows whose charges pass; the checkpoints they make due are signed after the commit by
 * `signPlacedCheckpoints`) and `appendChained` (the full path, for journal replay: BEGIN, lock +
 * chain state, de-duplication, INSERT, checkpoints, COMMIT).
 */
export const SEQUENCER_LOCK_KEY = 7_385_112_003;

export interface SequencerDeps {
  readonly db: Db;
  readonly signer: CheckpointSigner;
  readonly clock: Clock;
  readonly policy: CheckpointPolicy;
}

/** What a writer knows of the chain after its last batch. */
export interface ChainState {
  readonly head: ChainHead;
  readonly last: LastCheckpoint;
}

export interface Appended {
  readonly rows: ChainedDecision[];
  readonly state: ChainState;
}

interface StateRow {
  head_seq: number;
  head_hash: string | null;
  checkpoint_seq: number;
  checkpoint_at: Date | null;
}

/**
 * Appends records (already normalised) in order and returns them chained. With `dedupe`, records
 * whose id is already in the chain (a journal segment replayed a second time) or earlier in the
 * batch are left out.
 */
export async function appendChained(
  deps: SequencerDeps,
  records: readonly NewDecisionRecord[],
  options: { readonly dedupe: boolean },
): Promise<Appended> {
  return await deps.db.tx(async (q) => {
    const { head, last } = await lockAndReadState(q);
    const fresh = options.dedupe ? await withoutExisting(q, records) : records;
    const rows = chainDecisions(fresh, head);
    if (rows.length > 0) await q.one(insertDecisionsSql, [JSON.stringify(rows.map(encodeChained))]);
    const now = deps.clock.now();
    const due = dueCheckpoints(rows, last, now, deps.policy);
    for (const at of due) await insertCheckpoint(q, deps, at);
    return { rows, state: { head: headAfter(rows, head), last: lastAfter(rows, last, due.at(-1), now) } };
  });
}

export interface PlacedEntry {
  readonly record: NewDecisionRecord;
  /** Per charging stage, the charges the row depends on; empty for a plain append. */
  readonly stages: StageCharges;
}

/** Where the database put an entry: its chain position, or the stage whose charges refused it. */
export type Placed =
  | {
    readonly seq: number;
    readonly rowHash: string;
    readonly refusedStage: null;
    readonly charges: readonly (readonly ChargeResult[])[];
  }
  | {
    readonly seq: null;
    readonly rowHash: null;
    readonly refusedStage: number;
    readonly charges: readonly (readonly ChargeResult[])[];
  };

interface PlacedRow {
  seq: number | string | null;
  row_hash: string | null;
  refused_stage: number | null;
  charges: readonly (readonly Record<string, unknown>[])[] | string;
}

/**
 * Appends entries (records already normalised) in one round trip; the database runs each entry's
 * charges and places and hashes the rows they admit, after whatever the chain holds (any writer's
 * rows). One result per entry, in order.
 */
export async function appendPlaced(db: Queryable, entries: readonly PlacedEntry[]): Promise<Placed[]> {
  const rows: string[] = [];
  const at: string[] = [];
  for (const { record } of entries) {
    const [head, tail] = canonicalParts(record);
    rows.push(`${head}0${tail}`);
    at.push(String(codePoints(head)));
  }
  const ops = entries.flatMap((e) => e.stages.flat());
  const stages = ops.length > 0
    ? JSON.stringify(entries.map((e) => e.stages.length > 0 ? e.stages : null))
    : null;
  const rateKeys = [...new Set(ops.flatMap((op) => op.op === "rate" ? [op.key] : []))];
  const reserves = ops.some((op) => op.op === "reserve");
  const placed = await db.many<PlacedRow>(appendChargedSql, [
    SEQUENCER_LOCK_KEY,
    rows,
    at,
    stages,
    rateKeys,
    reserves,
  ]);
  if (placed.length !== entries.length) {
    throw new Error(`placed ${placed.length} of ${entries.length} decisions`);
  }
  return placed.map(placedOf);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in code points (PostgreSQL counts characters so; a JS string counts UTF-16 units). */
function codePoints(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function placedOf(row: PlacedRow): Placed {
  const raw = typeof row.charges === "string" ? JSON.parse(row.charges) : row.charges;
  const charges = (raw as Record<string, unknown>[][]).map((stage) => stage.map(chargeResultOf));
  if (row.seq === null || row.row_hash === null) {
    return { seq: null, rowHash: null, refusedStage: row.refused_stage ?? 0, charges };
  }
  return { seq: Number(row.seq), rowHash: row.row_hash, refusedStage: null, charges };
}

function chargeResultOf(r: Record<string, unknown>): ChargeResult {
  if (r.op === "rate") {
    return {
      op: "rate",
      allowed: r.allowed === true,
      used: Number(r.used),
      retryAfterMs: Number(r.retry_after_ms),
    };
  }
  return {
    op: "reserve",
    admitted: r.admitted === true,
    failed: Number(r.failed),
    remainingMicros: Number(r.remaining_micros ?? 0),
    retryAfterSeconds: Number(r.retry_after_s),
    shadow: Array.isArray(r.shadow) ? r.shadow.map(String) : [],
  };
}

/**
 * Signs the checkpoints that rows placed by `appendPlaced` made due (their batch is committed
 * already: a checkpoint names a row, it does not have to commit with it). Returns the last
 * checkpoint after them, or undefined when the chain was empty before the batch (the caller reads
 * it again next time).
 */
export async function signPlacedCheckpoints(
  deps: SequencerDeps,
  placed: readonly ChainHead[],
  last: LastCheckpoint,
): Promise<LastCheckpoint | undefined> {
  const now = deps.clock.now();
  const due = dueCheckpoints(placed, last, now, deps.policy);
  for (const at of due) await insertCheckpoint(deps.db, deps, at);
  const signed = due.at(-1);
  if (signed) return { seq: signed.seq, at: now };
  return last.at === null ? undefined : last;
}

/** The last checkpoint as stored (no lock: a writer's own view, refreshed by its next signature). */
export async function readLastCheckpoint(db: Queryable): Promise<LastCheckpoint> {
  const state = await db.one<StateRow>(chainStateSql);
  return { seq: state.checkpoint_seq, at: state.checkpoint_at };
}

/** The last checkpoint after a batch: the one just signed, else as before (an empty chain starts at its first row). */
function lastAfter(
  rows: readonly ChainedDecision[],
  last: LastCheckpoint,
  signed: ChainHead | undefined,
  now: Date,
): LastCheckpoint {
  if (signed) return { seq: signed.seq, at: now };
  return last.at === null && rows[0] ? { seq: last.seq, at: rows[0].createdAt } : last;
}

function headAfter(rows: readonly ChainedDecision[], head: ChainHead): ChainHead {
  const tail = rows.at(-1);
  return tail ? { seq: tail.seq, rowHash: tail.rowHash } : head;
}

/** Signs the newest row when it waited longer than the policy's age for a checkpoint (idle tail). */
export async function checkpointStaleTail(deps: SequencerDeps): Promise<ChainHead | undefined> {
  return await deps.db.tx(async (q) => {
    const { head, last } = await lockAndReadState(q);
    if (head.seq <= last.seq || !isStale(last, deps.clock.now(), deps.policy)) return undefined;
    await insertCheckpoint(q, deps, head);
    return head;
  });
}

/**
 * The two statements are pipelined (one round trip): the server runs them in order, so the state
 * query starts — and takes its snapshot — only once the lock is held.
 */
async function lockAndReadState(q: Queryable): Promise<{ head: ChainHead; last: LastCheckpoint }> {
  const [, state] = await Promise.all([q.one(lockSql, [SEQUENCER_LOCK_KEY]), q.one<StateRow>(chainStateSql)]);
  return {
    head: { seq: state.head_seq, rowHash: state.head_hash ?? GENESIS_HASH },
    last: { seq: state.checkpoint_seq, at: state.checkpoint_at },
  };
}

async function withoutExisting(
  q: Queryable,
  records: readonly NewDecisionRecord[],
): Promise<readonly NewDecisionRecord[]> {
  const found = await q.many<{ id: string }>(existingIdsSql, [records.map((r) => r.id)]);
  const seen = new Set(found.map((row) => row.id));
  return records.filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)));
}

async function insertCheckpoint(q: Queryable, deps: SequencerDeps, at: ChainHead): Promise<void> {
  const signature = deps.signer.sign(checkpointMessage(at.seq, at.rowHash));
  await q.query(insertCheckpointSql, [at.seq, at.rowHash, deps.clock.now(), deps.signer.keyId, signature]);
}
