import type { Db } from "@infra/db/db.ts";
import { LineJournal } from "@infra/audit/journal.ts";
import { isDatabaseUnavailable } from "@infra/audit/unavailable.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError, describeError, isAppError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { type CheckpointPolicy, type CheckpointSigner, DEFAULT_CHECKPOINT_POLICY } from "./checkpoint.ts";
import { encodeRecord } from "./codec.ts";
import { replayJournal } from "./journal_replay.ts";
import { normalizeDecision } from "./normalize.ts";
import type { AppendReceipt, AuditSink, NewDecisionRecord } from "./record.ts";
import {
  appendAfter,
  appendChained,
  type ChainState,
  checkpointStaleTail,
  type SequencerDeps,
} from "./sequencer.ts";
import type { ChainedDecision } from "./chain.ts";
import { withDeadline } from "./deadline.ts";
import { EventPublisher } from "./event_publisher.ts";

/**
 * The process's one audit writer (group commit, ARCHITECTURE §9). Appends queue up; one flush runs
 * at a time and the next starts as soon as the previous committed, taking up to `maxBatch` queued
 * records, so batches grow with load and no timer adds latency. Each `append` resolves once its
 * batch is durable: committed (`database`), or — while PostgreSQL is unreachable — fsync'd to the
 * local journal (`journal`). While the journal holds lines every batch goes there too (order is
 * kept), and a supervised recovery loop replays it with backoff, then hands back to the database.
 * A full journal or a broken disk rejects the append, so the caller denies.
 */
export interface AuditWriterOptions {
  readonly db: Db;
  /** Where the chain's statements go (appends, checkpoints, replay): `db.lane()` in the app; else db. */
  readonly lane?: Db;
  readonly signer: CheckpointSigner;
  readonly clock: Clock;
  readonly log: Logger;
  readonly journalDir: string;
  /** The journal subdirectory this process owns (e.g. the instance id). */
  readonly owner: string;
  readonly journalMaxBytes?: number;
  readonly maxBatch?: number;
  readonly policy?: CheckpointPolicy;
  /** A batch (or replay chunk) not committed by then counts as "database unreachable". */
  readonly batchTimeoutMs?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** How often to look for an idle tail that needs a time-based checkpoint; 0 turns it off. */
  readonly checkpointTickMs?: number;
  /** The longest a committed decision waits for its outbox event and the listeners' nudge (event_publisher.ts). */
  readonly eventPublishMs?: number;
}

interface Pending {
  readonly record: NewDecisionRecord;
  resolve(receipt: AppendReceipt): void;
  reject(error: unknown): void;
}

export const DEFAULT_JOURNAL_MAX_BYTES = 256 * 1024 * 1024;

export async function openAuditWriter(options: AuditWriterOptions): Promise<AuditWriter> {
  const journal = await LineJournal.open({
    dir: options.journalDir,
    owner: options.owner,
    maxBytes: options.journalMaxBytes ?? DEFAULT_JOURNAL_MAX_BYTES,
  });
  const leftOver = await journal.pendingSegments().catch(async (error) => {
    await journal[Symbol.asyncDispose]();
    throw error;
  });
  const writer = new AuditWriter(options, journal);
  if (leftOver.length > 0) writer.startRecovery();
  return writer;
}

export class AuditWriter implements AuditSink, AsyncDisposable {
  readonly #seq: SequencerDeps;
  readonly #journal: LineJournal;
  readonly #log: Logger;
  readonly #maxBatch: number;
  readonly #timeoutMs: number;
  readonly #retry: { readonly initial: number; readonly max: number };
  readonly #timer: number | undefined;
  readonly #events: EventPublisher;
  #queue: Pending[] = [];
  #inFlight = 0;
  #running: Promise<void> | undefined;
  #tailCheck = false;
  #journaling = false;
  #recovery: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  /** The chain as this writer's last committed batch left it (for the one-round-trip append). */
  #chain: ChainState | undefined;

  constructor(options: AuditWriterOptions, journal: LineJournal) {
    const policy = options.policy ?? DEFAULT_CHECKPOINT_POLICY;
    this.#seq = { db: options.lane ?? options.db, signer: options.signer, clock: options.clock, policy };
    this.#journal = journal;
    this.#log = options.log;
    this.#events = new EventPublisher(options.db, options.log, options.eventPublishMs ?? 20);
    this.#events.nudge(); // decisions a crashed or stopped writer left without their events
    this.#maxBatch = options.maxBatch ?? 500;
    this.#timeoutMs = options.batchTimeoutMs ?? 10_000;
    this.#retry = { initial: options.retryInitialMs ?? 250, max: options.retryMaxMs ?? 5_000 };
    const tick = options.checkpointTickMs ?? policy.maxAgeMs;
    // Deno's timers are numbers (node's typings say Timeout); an idle writer must not keep a CLI alive.
    this.#timer = tick > 0 ? Number(setInterval(() => this.#requestTailCheck(), tick)) : undefined;
    if (this.#timer !== undefined) Deno.unrefTimer(this.#timer);
  }

  append(record: NewDecisionRecord): Promise<AppendReceipt> {
    if (this.#closed) return Promise.reject(new AppError("audit.unavailable", "the audit writer is closed"));
    let normalized: NewDecisionRecord;
    try {
      normalized = normalizeDecision(record);
    } catch (error) {
      return Promise.reject(
        new AppError("audit.write_failed", "decision record cannot be stored", { cause: error }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ record: normalized, resolve, reject });
      this.#schedule();
    });
  }

  /** Decisions accepted but not yet durable (queued or in the batch being written). */
  depth(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Gives every decision committed so far its outbox event now instead of within the delay. */
  publishEvents(): Promise<void> {
    return this.#events.publish();
  }

  /** Bytes waiting in this process's journal. */
  journalBytes(): number {
    return this.#journal.bytes;
  }

  /** True while batches go to the local journal instead of the database. */
  isJournaling(): boolean {
    return this.#journaling;
  }

  /** Replays whatever the journal holds (own lines and those of dead processes), with backoff. */
  startRecovery(): void {
    this.#journaling = true;
    if (this.#recovery || this.#closed) return;
    this.#recovery = this.#recover().finally(() => {
      this.#recovery = undefined;
      // A batch may have gone to the journal between the last pass and now.
      if (this.#journaling && !this.#closed) this.startRecovery();
    });
  }

  /** Stops taking appends, makes every accepted one durable, tries a last replay, closes the journal. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
    this.#wake?.();
    await this.#recovery;
    if (this.#journaling) await this.#replayOnce().catch(() => false);
    if (this.#journaling) this.#events.stop();
    else await this.#events[Symbol.asyncDispose]();
    await this.#journal[Symbol.asyncDispose]();
  }

  #schedule(): void {
    this.#running ??= Promise.resolve().then(() => this.#drain());
  }

  #requestTailCheck(): void {
    this.#tailCheck = true;
    this.#schedule();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 || this.#tailCheck) {
        if (this.#queue.length === 0) {
          await this.#checkpointTail();
          continue;
        }
        const batch = this.#queue.splice(0, this.#maxBatch);
        this.#inFlight = batch.length;
        await this.#flush(batch);
        this.#inFlight = 0;
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #flush(batch: readonly Pending[]): Promise<void> {
    const records = batch.map((p) => p.record);
    if (!this.#journaling) {
      try {
        const rows = await withDeadline(this.#append(records), this.#timeoutMs);
        this.#events.nudge();
        batch.forEach((p, i) => p.resolve({ seq: rows[i]!.seq, durable: "database" }));
        return;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) return this.#fail(batch, error);
        this.#log.warn("audit.database_unreachable", { rows: batch.length, error: describeError(error) });
        this.startRecovery();
      }
    }
    try {
      await this.#journal.append(records.map((r) => JSON.stringify(encodeRecord(r))));
      batch.forEach((p) => p.resolve({ seq: null, durable: "journal" }));
    } catch (error) {
      this.#fail(batch, error);
    }
  }

  /** One round trip when the chain head is where this writer left it; the full transaction otherwise. */
  async #append(records: readonly NewDecisionRecord[]): Promise<ChainedDecision[]> {
    const known = this.#chain;
    this.#chain = undefined; // only a committed batch says where the head is
    const done = (known && await appendAfter(this.#seq, known, records)) ??
      await appendChained(this.#seq, records, { dedupe: false });
    this.#chain = done.state;
    return done.rows;
  }

  #fail(batch: readonly Pending[], error: unknown): void {
    this.#log.error("audit.batch_failed", { rows: batch.length, error: describeError(error) });
    const reason = isAppError(error) && error.code.startsWith("audit.")
      ? error
      : new AppError("audit.write_failed", "the decision could not be made durable", { cause: error });
    for (const p of batch) p.reject(reason);
  }

  async #checkpointTail(): Promise<void> {
    this.#tailCheck = false;
    if (this.#journaling) return;
    try {
      const signed = await withDeadline(checkpointStaleTail(this.#seq), this.#timeoutMs);
      if (!signed) return;
      this.#log.info("audit.checkpoint_signed", { seq: signed.seq });
      // The next one-round-trip append must not find it stale and sign its own batch's tail too.
      if (this.#chain) this.#chain = { head: this.#chain.head, last: signed };
    } catch (error) {
      this.#log.warn("audit.checkpoint_failed", { error: describeError(error) });
    }
  }

  async #recover(): Promise<void> {
    let delay = this.#retry.initial;
    while (!this.#closed) {
      try {
        if (await this.#replayOnce()) return;
        delay = this.#retry.initial;
      } catch (error) {
        this.#log.warn("audit.journal_replay_retry", { retry_in_ms: delay, error: describeError(error) });
        await this.#sleep(delay);
        delay = Math.min(delay * 2, this.#retry.max);
      }
    }
  }

  /** One pass over the sealed segments; true when the journal is empty and the database took over. */
  async #replayOnce(): Promise<boolean> {
    await this.#journal.seal();
    await replayJournal({
      journal: this.#journal,
      log: this.#log,
      maxBatch: this.#maxBatch,
      insert: async (records) => {
        this.#chain = undefined;
        const done = await withDeadline(appendChained(this.#seq, records, { dedupe: true }), this.#timeoutMs);
        this.#events.nudge();
        return done.rows;
      },
    });
    if (this.#journal.hasOwnLines()) return false;
    this.#journaling = false;
    this.#log.info("audit.journal_drained", {});
    return true;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
