import lockSql from "@sql/queries/audit/lock_sequencer.sql" with { type: "text" };
import chainStateSql from "@sql/queries/audit/chain_state.sql" with { type: "text" };
import existingIdsSql from "@sql/queries/audit/existing_decision_ids.sql" with { type: "text" };
import insertDecisionsSql from "@sql/queries/audit/insert_decisions.sql" with { type: "text" };
import insertCheckpointSql from "@sql/queries/audit/insert_checkpoint.sql" with { type: "text" };
import type { Db, Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { chainDecisions, type ChainedDecision, type ChainHead, GENESIS_HASH } from "./chain.ts";
import {
  checkpointMessage,
  type CheckpointPolicy,
  type CheckpointSigner,
  dueCheckpoints,
  isStale,
  type LastCheckpoint,
} from "./checkpoint.ts";
import { encodeChained } from "./codec.ts";
import type { NewDecisionRecord } from "./record.ts";

/**
 * The single sequencer. Each batch is one transaction that takes a transaction-scoped advisory lock
 * (so every writer of every process on this database takes turns), reads the chain head, chains the
 * batch after it, inserts it with one multi-row INSERT that also writes one outbox event and one
 * NOTIFY per decision, and signs the checkpoints that fall due — all or nothing.
 */
export const SEQUENCER_LOCK_KEY = 7_385_112_003;

export interface SequencerDeps {
  readonly db: Db;
  readonly signer: CheckpointSigner;
  readonly clock: Clock;
  readonly policy: CheckpointPolicy;
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
): Promise<ChainedDecision[]> {
  return await deps.db.tx(async (q) => {
    const { head, last } = await lockAndReadState(q);
    const fresh = options.dedupe ? await withoutExisting(q, records) : records;
    const rows = chainDecisions(fresh, head);
    if (rows.length > 0) await q.one(insertDecisionsSql, [JSON.stringify(rows.map(encodeChained))]);
    for (const due of dueCheckpoints(rows, last, deps.clock.now(), deps.policy)) {
      await insertCheckpoint(q, deps, due);
    }
    return rows;
  });
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
