import {
  type AiRequestRecord,
  insertAiRequests,
  settleBudgetsBatch,
  type Settlement,
} from "@domain/llm/mod.ts";
import type { Queryable } from "@infra/db/db.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { createLingerQueue } from "@shared/linger_queue.ts";

/**
 * Writes the end of every `/v1` call off the latency path: the budget settlement (only for a call
 * that reserved) and the `ai_requests` row, group-committed (shared/linger_queue.ts: the calls of one
 * linger go in one batch, written as one multi-row statement). `flush()` waits until everything
 * queued so far is written; disposing flushes, so a graceful shutdown (HTTP drained first, then the
 * context) loses no finished call. A failed batch is retried row by row; what still fails is logged
 * (never thrown: the caller already has its answer). A crash loses at most the queue (≤ `lingerMs`
 * plus one batch); its reservations are reclaimed once stale (llm_budget.ts).
 */
export interface CallRecorder extends AsyncDisposable {
  record(call: RecordedCall): void;
  /** Queues a settlement that ends no call (a budget lease's release), in order with the calls. */
  settle(settlement: Settlement): void;
  flush(): Promise<void>;
  /** Calls queued and not yet written. */
  depth(): number;
}

export interface RecordedCall {
  readonly row: AiRequestRecord;
  /** The reservation to replace by the actual cost; null when the call reserved nothing. */
  readonly settle: Settlement | null;
}

export interface RecorderDeps {
  readonly db: Queryable;
  readonly log: Logger;
  /** What a call's settlement becomes in the database (llm_budget_lease.ts: a leased call's goes to its lease). */
  readonly route?: (settlement: Settlement) => readonly Settlement[];
}

/** A queued write: a finished call's row and settlements, or settlements alone. */
interface Queued {
  readonly row: AiRequestRecord | null;
  readonly traceId: string | null;
  readonly settle: readonly Settlement[];
}

export interface RecorderOptions {
  /** How long the first call of a batch waits for company (group commit). */
  readonly lingerMs?: number;
  readonly maxBatch?: number;
}

export function createCallRecorder(deps: RecorderDeps, options: RecorderOptions = {}): CallRecorder {
  const queue = createLingerQueue<Queued>({
    lingerMs: options.lingerMs ?? 20,
    maxBatch: options.maxBatch ?? 256,
    write: (batch) => writeBatch(deps, batch),
    onError: (error) => deps.log.error("llm.record_failed", { error: describeError(error) }),
  });
  return {
    record: (call) => {
      const settle = call.settle === null ? [] : deps.route ? deps.route(call.settle) : [call.settle];
      queue.push({ row: call.row, traceId: call.row.traceId, settle });
    },
    settle: (settlement) => queue.push({ row: null, traceId: null, settle: [settlement] }),
    flush: () => queue.flush(),
    depth: () => queue.depth(),
    [Symbol.asyncDispose]: () => queue[Symbol.asyncDispose](),
  };
}

const RETRIES = 3;

async function writeBatch(deps: RecorderDeps, queued: readonly Queued[]): Promise<void> {
  await settleAll(deps, queued);
  const batch = queued.filter((q): q is Queued & { row: AiRequestRecord } => q.row !== null);
  if (batch.length === 0) return;
  const rows = batch.map((call) => call.row);
  try {
    // A database that blips (failover, restart) gets a few chances before rows are given up on.
    for (let attempt = 1;; attempt++) {
      try {
        return await insertAiRequests(deps.db, rows);
      } catch (error) {
        if (attempt >= RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  } catch (error) {
    if (batch.length === 1) return failed(deps, batch[0]!, error);
    // One bad row must not take the others with it.
    for (const call of batch) {
      await insertAiRequests(deps.db, [call.row]).catch((e) => failed(deps, call, e));
    }
  }
}

/** One statement for the whole batch; if it fails, each call's on its own (logged when lost). */
async function settleAll(deps: RecorderDeps, batch: readonly Queued[]): Promise<void> {
  const due = batch.filter((q) => q.settle.length > 0);
  if (due.length === 0) return;
  try {
    await settleBudgetsBatch(deps.db, due.flatMap((q) => q.settle));
  } catch {
    for (const q of due) {
      try {
        await settleBudgetsBatch(deps.db, q.settle);
      } catch (error) {
        deps.log.error("llm.settle_failed", { trace_id: q.traceId, error: describeError(error) });
      }
    }
  }
}

function failed(deps: RecorderDeps, call: Queued, error: unknown): void {
  deps.log.error("llm.record_failed", { trace_id: call.traceId, error: describeError(error) });
}
