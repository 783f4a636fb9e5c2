/**
 * Deadlines of seconds on one shared timer. Deno's `setTimeout` costs ~1.3 KB of garbage per timer
 * (its Node-style `Timeout` and list entries), and the gateway set one per upstream call and
 * restarted it per streamed chunk, the audit writer one per batch. Here starting a deadline is one
 * small object, restarting it is a field write, and ending it is a set delete. The one timer is
 * armed for the earliest due time; since deadlines of one kind share their length, a later one
 * rarely moves it, so a busy process creates a timer about once per deadline length, not per call.
 *
 * A deadline fires at most `slackMs` late (and may fire up to `slackMs` early, never for a length
 * shorter than that). The timer is unref'd: a deadline alone does not keep a process alive.
 */
export interface Deadline {
  /** Starts the count again from now. */
  touch(): void;
  /** Ends the deadline; `expire` will not be called. */
  clear(): void;
}

class Entry implements Deadline {
  constructor(
    readonly owner: CoarseDeadlines,
    readonly ms: number,
    readonly expire: () => void,
    public due: number,
  ) {}

  touch(): void {
    this.due = this.owner.now() + this.ms;
  }

  clear(): void {
    this.owner.forget(this);
  }
}

export class CoarseDeadlines {
  readonly #live = new Set<Entry>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Infinity;

  constructor(readonly now: () => number = () => performance.now(), readonly slackMs = 20) {}

  /** Calls `expire` once `ms` pass without a `touch` (unless cleared first). */
  start(ms: number, expire: () => void): Deadline {
    const entry = new Entry(this, ms, expire, this.now() + ms);
    this.#live.add(entry);
    this.#arm(entry.due);
    return entry;
  }

  /** Deadlines running (for tests and metrics). */
  get size(): number {
    return this.#live.size;
  }

  forget(entry: Entry): void {
    this.#live.delete(entry);
  }

  #arm(due: number): void {
    if (this.#timer !== undefined && this.#timerDue <= due + this.slackMs) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerDue = due;
    const timer = setTimeout(() => this.#fire(), Math.max(0, due - this.now()));
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = this.now() + this.slackMs;
    let next = Infinity;
    const due: Entry[] = [];
    for (const entry of this.#live) {
      if (entry.due <= now) due.push(entry);
      else if (entry.due < next) next = entry.due;
    }
    for (const entry of due) {
      this.#live.delete(entry);
      try {
        entry.expire();
      } catch {
        // An expiry only aborts or rejects; one that throws must not stop the others or the timer.
      }
    }
    if (next !== Infinity) this.#arm(next);
  }
}

/** The process's shared instance. */
export const deadlines = new CoarseDeadlines();
