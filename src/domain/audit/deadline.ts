import { AppError } from "@shared/errors.ts";

/**
 * `work`, or `db.unavailable` once `ms` pass without an answer (a database that hangs counts as
 * unreachable, so the writer falls back to its journal instead of holding every request). The
 * abandoned work may still commit later; journal replay skips ids already in the chain.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("db.unavailable", `no commit within ${ms} ms`)), ms);
  });
  work.catch(() => {}); // the loser of the race is abandoned, not unhandled
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
