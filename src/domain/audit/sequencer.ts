import lockSql from "@sql/queries/audit/lock_sequencer.sql" with { type: "text" };
import chainStateSql from "@sql/queries/audit/chain_state.sql" with { type: "text" };
import existingIdsSql from "@sql/queries/audit/existing_decision_ids.sql" with { type: "text" };
import insertDecisionsSql from "@sql/queries/audit/insert_decisions.sql" with { type: "text" };
import insertCheckpointSql from "@sql/queries/audit/insert_checkpoint.sql" with { type: "text" };
import appendAfterSql from "@sql/queries/audit/append_after.sql" with { type: "text" };
import type { Db, Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { chainBatch, type ChainedDecision, type ChainHead, GENESIS_HASH } from "./chain.ts";
import {
  checkpointMessage,
  type CheckpointPolicy,
  type CheckpointSigner,
  dueCheckpoints,
  isStale,
  type LastCheckpoint,
} from "./checkpoint.ts";
import type { NewDecisionRecord } from "./record.ts";

/**
 * The single sequencer. Each batch is one transaction that takes a transaction-scoped advisory lock
 * (so every writer of every process on this database takes turns), reads the chain head, chains the
 * batch after it, inserts it with one multi-row INSERT, and signs the checkpoints that fall due —
 * all or nothing. The decisions' outbox events follow the commit (event_publisher.ts).
 *
 * Two ways to run it: `appendChained` (the full path: BEGIN, lock + chain state, INSERT, checkpoints,
 * COMMIT) and `appendAfter` (one round trip: a writer that knows the head it last committed chains
 * the batch after it, signs the checkpoints it makes due, and sends one `sp_audit_append` call, which
 * takes the same lock and writes rows and checkpoints only if the head has not moved). Both return
 * the chain state after the batch for the next call.
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
    const { rows, json } = chainBatch(fresh, head);
    if (rows.length > 0) await q.one(insertDecisionsSql, [json]);
    const now = deps.clock.now();
    const due = dueCheckpoints(rows, last, now, deps.policy);
    for (const at of due) await insertCheckpoint(q, deps, at, now);
    return { rows, state: { head: headAfter(rows, head), last: lastAfter(rows, last, due.at(-1), now) } };
  });
}

/**
 * The one-round-trip append after a known state, with the checkpoints the batch makes due signed
 * over the hashes chained here and written in the same transaction. Undefined, with nothing written,
 * when the batch is empty, when the chain has no rows yet, or when another writer moved the head
 * since `state` (the caller then takes the full path, which re-reads it).
 */
export async function appendAfter(
  deps: SequencerDeps,
  state: ChainState,
  records: readonly NewDecisionRecord[],
): Promise<Appended | undefined> {
  if (records.length === 0 || state.last.at === null) return undefined;
  const { rows, json: batch } = chainBatch(records, state.head);
  const now = deps.clock.now();
  const due = dueCheckpoints(rows, state.last, now, deps.policy);
  const checkpoints = due.length === 0 ? null : JSON.stringify(due.map((at) => ({
    seq: at.seq,
    row_hash: at.rowHash,
    signed_at: now.toISOString(),
    key_id: deps.signer.keyId,
    signature: deps.signer.sign(checkpointMessage(at.seq, at.rowHash)),
  })));
  const result = await deps.db.one<{ appended: boolean }>(appendAfterSql, [
    SEQUENCER_LOCK_KEY,
    state.head.seq,
    state.head.rowHash,
    batch,
    checkpoints,
  ]);
  if (!result.appended) return undefined;
  return {
    rows,
    state: { head: headAfter(rows, state.head), last: lastAfter(rows, state.last, due.at(-1), now) },
  };
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

/**
 * Signs the newest row when it waited longer than the policy's age for a checkpoint (idle tail);
 * returns the checkpoint it signed, for the writer's own view of the chain.
 */
export async function checkpointStaleTail(deps: SequencerDeps): Promise<LastCheckpoint | undefined> {
  return await deps.db.tx(async (q) => {
    const { head, last } = await lockAndReadState(q);
    const now = deps.clock.now();
    if (head.seq <= last.seq || !isStale(last, now, deps.policy)) return undefined;
    await insertCheckpoint(q, deps, head, now);
    return { seq: head.seq, at: now };
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

async function insertCheckpoint(q: Queryable, deps: SequencerDeps, at: ChainHead, now: Date): Promise<void> {
  const signature = deps.signer.sign(checkpointMessage(at.seq, at.rowHash));
  await q.query(insertCheckpointSql, [at.seq, at.rowHash, now, deps.signer.keyId, signature]);
}
