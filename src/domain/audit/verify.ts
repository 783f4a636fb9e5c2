import { type ChainedDecision, type ChainHead, hashDecision } from "./chain.ts";
import { type Checkpoint, checkpointMessage, type SignatureCheck } from "./checkpoint.ts";

/**
 * Recomputes a chain fed in seq order (any number of pages) and checks each checkpoint when its row
 * goes by. The first break wins: a missing or repeated seq, a `prev_hash` that is not the previous
 * row's hash, a `row_hash` that does not match the row's content, or a checkpoint whose row is
 * missing, whose hash differs or whose signature fails.
 */
export interface ChainBreak {
  readonly seq: number;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly rowsChecked: number;
  readonly checkpointsChecked: number;
  readonly firstBrokenSeq?: number;
  readonly reason?: string;
}

export interface AuditVerifier {
  /** Checks the next rows; false once the chain is broken (stop feeding). */
  feed(rows: readonly ChainedDecision[]): boolean;
  /** Checkpoints left over name rows that never came: the chain was cut short. */
  finish(): VerifyReport;
}

interface VerifyState {
  head: ChainHead;
  rowsChecked: number;
  checkpointsChecked: number;
  broken: ChainBreak | undefined;
  readonly pending: Map<number, Checkpoint>;
  readonly check: SignatureCheck;
}

export function createAuditVerifier(
  start: ChainHead,
  checkpoints: readonly Checkpoint[],
  check: SignatureCheck,
): AuditVerifier {
  const state: VerifyState = {
    head: start,
    rowsChecked: 0,
    checkpointsChecked: 0,
    broken: undefined,
    pending: new Map(checkpoints.map((cp) => [cp.seq, cp])),
    check,
  };
  return {
    feed(rows) {
      for (const row of rows) {
        if (state.broken) break;
        state.broken = feedRow(state, row);
      }
      return state.broken === undefined;
    },
    finish: () => finish(state),
  };
}

function feedRow(state: VerifyState, row: ChainedDecision): ChainBreak | undefined {
  const rowBreak = checkRow(row, state.head);
  if (rowBreak) return rowBreak;
  state.head = { seq: row.seq, rowHash: row.rowHash };
  state.rowsChecked++;
  const cp = state.pending.get(row.seq);
  if (!cp) return undefined;
  state.pending.delete(row.seq);
  state.checkpointsChecked++;
  return checkCheckpoint(cp, state.head, state.check);
}

function finish(state: VerifyState): VerifyReport {
  const next = state.head.seq + 1;
  const orphan = [...state.pending.keys()].filter((seq) => seq >= next).sort((a, b) => a - b)[0];
  if (!state.broken && orphan !== undefined) {
    state.broken = { seq: next, reason: `row ${next} is missing (checkpoint ${orphan} names it)` };
  }
  const base = {
    ok: state.broken === undefined,
    rowsChecked: state.rowsChecked,
    checkpointsChecked: state.checkpointsChecked,
  };
  return state.broken ? { ...base, firstBrokenSeq: state.broken.seq, reason: state.broken.reason } : base;
}

function checkRow(row: ChainedDecision, head: ChainHead): ChainBreak | undefined {
  const expected = head.seq + 1;
  if (row.seq !== expected) {
    const reason = row.seq > expected ? `row ${expected} is missing` : `row ${row.seq} appears twice`;
    return { seq: expected, reason };
  }
  if (row.prevHash !== head.rowHash) {
    return { seq: row.seq, reason: "prev_hash is not the previous row's row_hash" };
  }
  if (hashDecision(row, row.seq, row.prevHash) !== row.rowHash) {
    return { seq: row.seq, reason: "row_hash does not match the row's content" };
  }
  return undefined;
}

/** A checkpoint against the verified row at its seq. */
export function checkCheckpoint(
  cp: Checkpoint,
  row: ChainHead,
  check: SignatureCheck,
): ChainBreak | undefined {
  if (cp.rowHash !== row.rowHash) {
    return { seq: cp.seq, reason: `checkpoint ${cp.seq} signs a different row_hash` };
  }
  if (!check(cp.keyId, checkpointMessage(cp.seq, cp.rowHash), cp.signature)) {
    return { seq: cp.seq, reason: `checkpoint ${cp.seq} signature is invalid (key ${cp.keyId})` };
  }
  return undefined;
}
