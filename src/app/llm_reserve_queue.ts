import {
  type Reservation,
  type ReservationRequest,
  reserveBudgets,
  reserveBudgetsBatch,
} from "@domain/llm/mod.ts";
import type { Queryable } from "@infra/db/db.ts";

/**
 * Group-committed budget reservations. A hot budget (the organisation's, a department's) is one row
 * every call must lock, so one reservation per round trip makes the calls queue on that row lock.
 * Here a reservation goes to the database at once when none is in flight; those that arrive
 * meanwhile queue and go together as the next statement (`reserveBudgetsBatch`: windows locked in
 * key order, then each reservation exactly as alone, in arrival order). Alone, a reservation waits
 * for nothing. If a batch fails, its reservations are retried one by one so one bad call cannot
 * fail the others.
 */
export type ReserveFn = (request: ReservationRequest) => Promise<Reservation>;

interface Pending {
  readonly request: ReservationRequest;
  resolve(reservation: Reservation): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 128;

export function createReserveQueue(db: Queryable): ReserveFn {
  const queue: Pending[] = [];
  let running = false;
  const run = async () => {
    running = true;
    try {
      while (queue.length > 0) await send(db, queue.splice(0, MAX_BATCH));
    } finally {
      running = false;
    }
  };
  return (request) =>
    new Promise<Reservation>((resolve, reject) => {
      queue.push({ request, resolve, reject });
      if (!running) void run();
    });
}

async function send(db: Queryable, batch: readonly Pending[]): Promise<void> {
  if (batch.length > 1) {
    try {
      const results = await reserveBudgetsBatch(db, batch.map((p) => p.request));
      batch.forEach((p, i) => p.resolve(results[i]!));
      return;
    } catch {
      // One by one below: the statement failed as a whole (nothing was reserved).
    }
  }
  await Promise.all(batch.map(async (p) => {
    try {
      const r = p.request;
      p.resolve(await reserveBudgets(db, r.reservationId, r.budgets, r.amountMicros, false));
    } catch (error) {
      p.reject(error);
    }
  }));
}
