import publishSql from "@sql/queries/audit/publish_events.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { withDeadline } from "./deadline.ts";

/** A publish not answered by then is given up (and retried), so a hung database cannot hold up shutdown. */
const PUBLISH_TIMEOUT_MS = 3_000;
/** Decisions per statement; a backlog (after an outage or a restore) takes several in a row. */
const PUBLISH_MAX = 1_000;
/** After a failed publish, the next try: one second, doubling to half a minute while it keeps failing. */
const RETRY_MS = { initial: 1_000, max: 30_000 } as const;

/**
 * Gives committed decisions their outbox events and tells `sp_events` listeners (SSE feeds, other
 * replicas) about them: one `sp_audit_publish` statement (migration 0017) at most once per `delayMs`
 * after this writer's commits, however many commits came first. A decision's event used to be
 * written in the decision's own transaction, on the one round trip a governed call waits for; it is
 * derived data, so it now follows the commit by at most `delayMs` plus one round trip. Nothing is
 * lost: the database's cursor names the last decision with an event, any process's publish covers
 * every decision after it (a crashed writer's included), and the writer publishes at start and on
 * its way out. A failed publish is logged and retried (after 1 s, doubling up to 30 s).
 */
export class EventPublisher implements AsyncDisposable {
  readonly #db: Queryable;
  readonly #log: Logger;
  readonly #delayMs: number;
  #timer: number | undefined;
  #publishing: Promise<void> = Promise.resolve();
  #closed = false;
  #retryMs: number = RETRY_MS.initial;

  constructor(db: Queryable, log: Logger, delayMs: number) {
    this.#db = db;
    this.#log = log;
    this.#delayMs = delayMs;
  }

  /** Some decisions committed: they get their events within `delayMs`, however many commits come first. */
  nudge(): void {
    this.#arm(this.#delayMs);
  }

  /** Publishes every decision committed so far (after whatever publish is under way). */
  publish(): Promise<void> {
    this.#publishing = this.#publishing.then(() => this.#publishAll());
    return this.#publishing;
  }

  /** Stops publishing (a database that is down gets no last try: the next writer's start catches up). */
  stop(): void {
    this.#closed = true;
    this.#disarm();
  }

  /** Stops the timer and publishes what is left. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    await this.publish();
  }

  #arm(ms: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    const timer = Number(setTimeout(() => {
      this.#timer = undefined;
      this.publish();
    }, ms));
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #publishAll(): Promise<void> {
    try {
      for (;;) {
        const { published } = await withDeadline(
          this.#db.one<{ published: number }>(publishSql, [PUBLISH_MAX]),
          PUBLISH_TIMEOUT_MS,
        );
        this.#retryMs = RETRY_MS.initial;
        if (published < PUBLISH_MAX) return;
      }
    } catch (error) {
      this.#log.warn("audit.event_publish_failed", {
        retry_in_ms: this.#retryMs,
        error: describeError(error),
      });
      this.#arm(this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MS.max);
    }
  }
}
