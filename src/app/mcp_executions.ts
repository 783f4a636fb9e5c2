import { insertExecutions, type ToolExecution } from "@domain/mcp/mod.ts";
import type { Queryable } from "@infra/db/db.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { createLingerQueue } from "@shared/linger_queue.ts";

/**
 * Writes `mcp_tool_executions` rows off the latency path (issue 5 overhead): a call's answer does
 * not wait for its execution row. Rows are group-committed (shared/linger_queue.ts: the rows of
 * one linger go in one batch, written as one multi-row statement). `flush()` waits until everything
 * queued so far is written; disposing flushes, so a graceful shutdown (HTTP drained first, then the
 * context) loses no row of a call that was answered. A failed batch is retried row by row; what
 * still fails is logged (never thrown: the caller already has its answer). A crash loses at most
 * the queue (≤ `lingerMs` plus one batch); the decision row, written before the upstream is
 * touched, is durable either way.
 */
export interface ExecutionRecorder extends AsyncDisposable {
  record(row: ToolExecution): void;
  flush(): Promise<void>;
  /** Rows queued and not yet written. */
  depth(): number;
}

export interface ExecutionRecorderDeps {
  readonly db: Queryable;
  readonly log: Logger;
}

export interface ExecutionRecorderOptions {
  /** How long the first row of a batch waits for company (group commit). */
  readonly lingerMs?: number;
  readonly maxBatch?: number;
}

export function createExecutionRecorder(
  deps: ExecutionRecorderDeps,
  options: ExecutionRecorderOptions = {},
): ExecutionRecorder {
  const queue = createLingerQueue<ToolExecution>({
    lingerMs: options.lingerMs ?? 20,
    maxBatch: options.maxBatch ?? 256,
    write: (batch) => writeBatch(deps, batch),
    onError: (error) => deps.log.error("mcp.execution_record_failed", { error: describeError(error) }),
  });
  return {
    record: (row) => queue.push(row),
    flush: () => queue.flush(),
    depth: () => queue.depth(),
    [Symbol.asyncDispose]: () => queue[Symbol.asyncDispose](),
  };
}

async function writeBatch(deps: ExecutionRecorderDeps, batch: readonly ToolExecution[]): Promise<void> {
  try {
    await insertExecutions(deps.db, batch);
  } catch (error) {
    if (batch.length === 1) return failed(deps, batch[0]!, error);
    // One bad row must not take the others with it.
    for (const row of batch) await insertExecutions(deps.db, [row]).catch((e) => failed(deps, row, e));
  }
}

function failed(deps: ExecutionRecorderDeps, row: ToolExecution, error: unknown): void {
  deps.log.error("mcp.execution_record_failed", { trace_id: row.traceId, error: describeError(error) });
}
