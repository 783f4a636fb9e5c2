import type { ChainedDecision, ChainHead } from "./chain.ts";

/**
 * Signed checkpoints: every `everyRows` rows (at seq 1000, 2000, …) and, when rows arrived but
 * `maxAgeMs` passed since the last checkpoint, at the newest row. The signature is Ed25519 over
 * `checkpointMessage(seq, row_hash)`, so one public key lets anyone check that the chain up to that
 * row is the one the appliance wrote.
 */
export interface Checkpoint {
  readonly seq: number;
  readonly rowHash: string;
  readonly signedAt: Date;
  readonly keyId: string;
  readonly signature: string;
}

export interface CheckpointPolicy {
  readonly everyRows: number;
  readonly maxAgeMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyRows: 1_000, maxAgeMs: 60_000 };

/** Signs checkpoint messages (the writer's side). */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(message: string): string;
}

/** Checks a signature made by the key `keyId`; false for an unknown key. */
export type SignatureCheck = (keyId: string, message: string, signature: string) => boolean;

export function checkpointMessage(seq: number, rowHash: string): string {
  return `${seq}|${rowHash}`;
}

export interface LastCheckpoint {
  readonly seq: number;
  /** When it was signed; with none yet, when the chain started (its first row); null for an empty chain. */
  readonly at: Date | null;
}

/** The positions a batch of freshly chained rows must checkpoint, in order. */
export function dueCheckpoints(
  rows: readonly ChainedDecision[],
  last: LastCheckpoint,
  now: Date,
  policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
): ChainHead[] {
  const due: ChainHead[] = rows
    .filter((row) => row.seq % policy.everyRows === 0)
    .map((row) => ({ seq: row.seq, rowHash: row.rowHash }));
  const tail = rows.at(-1);
  if (tail && due.at(-1)?.seq !== tail.seq && isStale(last, now, policy)) {
    due.push({ seq: tail.seq, rowHash: tail.rowHash });
  }
  return due;
}

/** True when rows after the last checkpoint have waited at least `maxAgeMs` for one. */
export function isStale(last: LastCheckpoint, now: Date, policy: CheckpointPolicy): boolean {
  return last.at !== null && now.getTime() - last.at.getTime() >= policy.maxAgeMs;
}
