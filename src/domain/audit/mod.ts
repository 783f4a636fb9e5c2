/**
 * Audit: the tamper-evident trail of governance decisions (ARCHITECTURE §6, §9).
 *
 * Invariants: rows are appended by one sequencer (a transaction-scoped advisory lock), so `seq` is
 * gap-free across processes; `row_hash = sha256(canonical row || prev_hash)` links every row to
 * the one before; triggers refuse UPDATE/DELETE/TRUNCATE; Ed25519 checkpoints every 1,000 rows or
 * 60 s sign `seq|row_hash`. A decision is acknowledged only once durable — committed, or fsync'd
 * to the local journal while PostgreSQL is unreachable — and is never dropped. Its outbox event
 * follows its commit within the writer's publish delay (`audit_event_cursor`: none is skipped).
 *
 * Entry points: `openAuditWriter` (the process's `AuditSink`), `verifyStoredChain`,
 * `exportBundle` / `verifyBundle`, `listDecisions` / `readTrace`.
 */
export type { ActorKind, AppendReceipt, AuditSink, NewDecisionRecord } from "./record.ts";
export type { ChainedDecision, ChainHead } from "./chain.ts";
export { canonicalDecision, chainDecisions, GENESIS_HASH, hashDecision } from "./chain.ts";
export type { Checkpoint, CheckpointPolicy, CheckpointSigner, SignatureCheck } from "./checkpoint.ts";
export { checkpointMessage, DEFAULT_CHECKPOINT_POLICY } from "./checkpoint.ts";
export type { VerifyReport } from "./verify.ts";
export { verifyStoredChain } from "./verify_store.ts";
export type { BundleReport } from "./bundle.ts";
export { exportBundle, verifyBundle } from "./bundle.ts";
export type { DecisionFilter, TraceEvent, TraceRecord } from "./audit_log.ts";
export { listDecisions, readTrace } from "./audit_log.ts";
export type { AuditWriterOptions } from "./writer.ts";
export { AuditWriter, DEFAULT_JOURNAL_MAX_BYTES, openAuditWriter } from "./writer.ts";
