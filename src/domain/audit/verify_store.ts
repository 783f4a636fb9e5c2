import pageSql from "@sql/queries/audit/decisions_page.sql" with { type: "text" };
import checkpointsSql from "@sql/queries/audit/checkpoints_range.sql" with { type: "text" };
import rowHashAtSql from "@sql/queries/audit/row_hash_at.sql" with { type: "text" };
import type { Queryable, Row } from "@infra/db/db.ts";
import { type ChainedDecision, type ChainHead, GENESIS_HEAD } from "./chain.ts";
import type { Checkpoint, SignatureCheck } from "./checkpoint.ts";
import { decodeChained, decodeCheckpoint } from "./codec.ts";
import { createAuditVerifier, type VerifyReport } from "./verify.ts";

/**
 * `infra audit verify`: recomputes the chain stored in the database from `fromSeq` (default 1) to
 * its head, page by page, and checks every checkpoint from there on with `check`.
 */
export const LAST_SEQ = Number.MAX_SAFE_INTEGER;
const PAGE_SIZE = 5_000;

export interface VerifyOptions {
  readonly fromSeq?: number;
  readonly pageSize?: number;
}

export async function verifyStoredChain(
  db: Queryable,
  check: SignatureCheck,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const from = Math.max(1, options.fromSeq ?? 1);
  const start = await headBefore(db, from);
  if (!start) {
    // Nothing stored from `from` on is not a break; rows after a hole are.
    const after = await readDecisions(db, from, LAST_SEQ, 1);
    const none = { ok: after.length === 0, rowsChecked: 0, checkpointsChecked: 0 };
    return none.ok ? none : { ...none, firstBrokenSeq: from - 1, reason: `row ${from - 1} is missing` };
  }
  const verifier = createAuditVerifier(start, await readCheckpoints(db, from, LAST_SEQ), check);
  const pageSize = options.pageSize ?? PAGE_SIZE;
  // The next page is read while this one is hashed: the database's work overlaps ours.
  let page = await readDecisions(db, from, LAST_SEQ, pageSize);
  while (page.length > 0) {
    const next = page.length === pageSize
      ? readDecisions(db, page.at(-1)!.seq + 1, LAST_SEQ, pageSize)
      : undefined;
    const intact = verifier.feed(page);
    if (!next) break;
    if (!intact) {
      await next.catch(() => {}); // a break ends the walk; the read under way is not left behind
      break;
    }
    page = await next;
  }
  return verifier.finish();
}

/** Rows from `from` to `to` in seq order, at most `limit`. */
export async function readDecisions(
  db: Queryable,
  from: number,
  to: number,
  limit: number,
): Promise<ChainedDecision[]> {
  return (await db.many<Row>(pageSql, [from, to, limit])).map(decodeChained);
}

export async function readCheckpoints(db: Queryable, from: number, to: number): Promise<Checkpoint[]> {
  return (await db.many<Row>(checkpointsSql, [from, to])).map(decodeCheckpoint);
}

/** The link a range starting at `from` hangs from: genesis for 1, else the stored row before it. */
export async function headBefore(db: Queryable, from: number): Promise<ChainHead | undefined> {
  if (from <= 1) return GENESIS_HEAD;
  const row = await db.maybeOne<{ row_hash: string }>(rowHashAtSql, [from - 1]);
  return row && { seq: from - 1, rowHash: row.row_hash };
}
