import { type Deadline, deadlines } from "@shared/coarse_deadlines.ts";
import { AppError } from "@shared/errors.ts";

/**
 * `work`, or `db.unavailable` once `ms` pass without an answer (a database that hangs counts as
 * unreachable, so the writer falls back to its journal instead of holding every request). The
 * abandoned work may still commit later; journal replay skips ids already in the chain.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let running: Deadline | undefined;
  const expired = new Promise<never>((_, reject) => {
    running = deadlines.start(ms, () => reject(new AppError("db.unavailable", `no commit within ${ms} ms`)));
  });
  work.catch(() => {}); // the loser of the race is abandoned, not unhandled
  return Promise.race([work, expired]).finally(() => running?.clear());
}
