/**
 * The server pool's single statements (`query`, `many`, `one`, `maybeOne`) on protocol connections the
 * process speaks itself (pg_lane.ts), up to the pool's size: a round trip costs the process ~25 µs of
 * CPU instead of postgres.js's ~90 (tests/bench/analysis.md, sessions fourteen and fifteen).
 * Transactions, scripts and LISTEN stay with postgres.js (postgres_db.ts).
 *
 * Each connection runs one statement at a time; a statement that finds every connection busy waits in
 * one queue for the first to come free (first come, first served), so nothing waits behind a slow
 * statement while another connection idles. Connections open on demand and stay open; the most
 * recently used idle one is taken first, so a light load keeps to a few warm backends.
 */
import type { Db, QueryResult, Row, SqlParam } from "./db.ts";
import { createQueryable } from "./queryable.ts";

export interface LanePoolOptions {
  readonly size: number;
  /** Opens one more connection (a lane). */
  readonly open: () => Db;
}

export type LanePool = Pick<Db, "query" | "many" | "one" | "maybeOne"> & { close(): Promise<void> };

export function openLanePool(options: LanePoolOptions): LanePool {
  const all: Db[] = [];
  const idle: Db[] = [];
  const waiting: { resolve: (lane: Db) => void; reject: (error: unknown) => void }[] = [];
  let closed = false;

  const acquire = (): Db | Promise<Db> => {
    if (closed) throw ended();
    const lane = idle.pop();
    if (lane) return lane;
    if (all.length < options.size) {
      const opened = options.open();
      all.push(opened);
      return opened;
    }
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  const release = (lane: Db) => {
    const next = waiting.shift();
    if (next) next.resolve(lane);
    else idle.push(lane);
  };

  const query = async <T = Row>(text: string, params?: readonly SqlParam[]): Promise<QueryResult<T>> => {
    const got = acquire();
    const lane = got instanceof Promise ? await got : got;
    try {
      return await lane.query<T>(text, params);
    } finally {
      release(lane);
    }
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    for (const waiter of waiting.splice(0)) waiter.reject(ended());
    await Promise.all(all.map((lane) => lane.close()));
  };

  const { many, one, maybeOne } = createQueryable(query, () => Promise.reject(new Error("not used")));
  return { query, many, one, maybeOne, close };
}

function ended(): Error {
  return Object.assign(new Error("the pool is closed"), { code: "CONNECTION_ENDED" });
}
