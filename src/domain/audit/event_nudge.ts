import nudgeSql from "@sql/queries/audit/nudge_events.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import { describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { withDeadline } from "./deadline.ts";

/** A nudge not answered by then is dropped, so a hung database cannot hold up the writer's shutdown. */
const NUDGE_TIMEOUT_MS = 3_000;

/**
 * Tells `sp_events` listeners (SSE feeds, other replicas) that this writer committed decisions.
 * The outbox rows are durable in each decision's own transaction; the NOTIFY is only a nudge, since a
 * listener reads the outbox after the last id it delivered. A NOTIFY inside every decision's
 * transaction made each governed call's one round trip before dispatch slower and woke every
 * listening backend once per decision (migration 0016), so commits are announced after the fact,
 * at most once per `delayMs`: a listener hears of a decision at most `delayMs` plus one round trip
 * after its commit. Failures are logged and dropped: the next nudge (or the feed's own read) catches up.
 */
export class EventNudge implements AsyncDisposable {
  readonly #db: Queryable;
  readonly #log: Logger;
  readonly #delayMs: number;
  #timer: number | undefined;
  #sending: Promise<void> | undefined;
  #closed = false;

  constructor(db: Queryable, log: Logger, delayMs: number) {
    this.#db = db;
    this.#log = log;
    this.#delayMs = delayMs;
  }

  /** Some decisions committed: one NOTIFY will follow within `delayMs`, however many commits come first. */
  nudge(): void {
    if (this.#timer !== undefined || this.#closed) return;
    const timer = Number(setTimeout(() => {
      this.#timer = undefined;
      this.#send();
    }, this.#delayMs));
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Sends a nudge that is still waiting, then stops. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#send();
    }
    await this.#sending;
  }

  #send(): void {
    const sent = withDeadline(this.#db.query(nudgeSql), NUDGE_TIMEOUT_MS).then(
      () => {},
      (error) => this.#log.warn("audit.event_nudge_failed", { error: describeError(error) }),
    );
    this.#sending = Promise.all([this.#sending, sent]).then(() => {});
  }
}
