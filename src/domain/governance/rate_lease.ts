import leaseSql from "@sql/queries/governance/lease_rate_limit.sql" with { type: "text" };
import returnSql from "@sql/queries/governance/return_rate_limit.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { Logger } from "@shared/logger.ts";
import type { RateCharge, RateLimiter } from "./stages/rate_limit.ts";

/**
 * Rate-limit leases in front of the SQL limiter. A key charged a few times a second (a busy
 * session's rate limit, a user's request quota) costs one round trip per block of hits instead of
 * one per call: the process charges a block (`sp_rate_limit_lease`, migration 0014), admits the
 * key's next calls locally against it for `ttlMs`, refills it in the background when half is used,
 * and hands back what it did not use when the lease expires or the process stops. A quiet key, a
 * dry run and every call near a limit (the database grants no block past half the limit) are
 * charged alone, exactly as before, so the count across processes stays exact where it decides.
 */
export interface RateLeaseOptions {
  /** How long a leased block may be used; the database stamps it `aheadSeconds` ahead to cover it. */
  readonly ttlMs?: number;
  readonly aheadSeconds?: number;
  /** Largest block; a key leases only when it saw at least `minBlock` charges in the last `ttlMs`. */
  readonly maxBlock?: number;
  readonly minBlock?: number;
  readonly monotonic?: () => number;
}

export interface LeasingRateLimiter extends RateLimiter, AsyncDisposable {
  /** Hits held locally and not yet used, over every key (tests and metrics). */
  held(): number;
  /** Resolves when no lease request is in flight (tests). */
  settled(): Promise<void>;
}

interface Lease {
  readonly limit: number;
  readonly window: number;
  readonly stamp: number;
  readonly expiresAt: number;
  remaining: number;
  used: number;
}

interface KeyState {
  /** Charges seen, decayed over `ttlMs`: about the key's charges in the last `ttlMs`. */
  recent: number;
  at: number;
  leases: Lease[];
  pending: Promise<unknown> | undefined;
  /** The database granted no block (near the limit): charge alone until then. */
  quietUntil: number;
}

interface LeaseRow {
  readonly allowed: boolean;
  readonly used: number;
  readonly retry_after_ms: number;
  readonly granted: number;
  readonly stamp: number;
}

const MAX_KEYS = 4096;

export function createLeasingRateLimiter(
  deps: { readonly db: Queryable; readonly inner: RateLimiter; readonly log: Logger },
  options: RateLeaseOptions = {},
): LeasingRateLimiter {
  const ttl = options.ttlMs ?? 1_000;
  const ahead = options.aheadSeconds ?? 2;
  const maxBlock = options.maxBlock ?? 64;
  const minBlock = options.minBlock ?? 4;
  const now = options.monotonic ?? (() => performance.now());
  const keys = new Map<string, KeyState>();
  const returning = new Set<Promise<void>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const stateOf = (key: string, t: number): KeyState => {
    let st = keys.get(key);
    if (!st) {
      if (keys.size >= MAX_KEYS) sweep(t);
      st = { recent: 0, at: t, leases: [], pending: undefined, quietUntil: 0 };
      keys.set(key, st);
    }
    st.recent = st.recent * Math.exp((st.at - t) / ttl) + 1;
    st.at = t;
    return st;
  };

  const sweep = (t: number) => {
    for (const [key, st] of keys) {
      if (st.leases.length === 0 && st.pending === undefined && t - st.at > 5 * ttl) keys.delete(key);
    }
  };

  const usable = (st: KeyState, limit: number, window: number, t: number): Lease | undefined =>
    st.leases.find((l) => l.remaining > 0 && l.limit === limit && l.window === window && t < l.expiresAt);

  const giveBack = (key: string, lease: Lease) => {
    const hits = lease.remaining;
    lease.remaining = 0;
    if (hits === 0) return;
    const done = deps.db.query(returnSql, [key, lease.stamp, hits]).then(
      () => {},
      (error) => deps.log.warn("governance.rate_lease_return_failed", { hits, error: String(error) }),
    );
    returning.add(done);
    void done.finally(() => returning.delete(done));
  };

  const expire = (key: string, st: KeyState, lease: Lease) => {
    st.leases = st.leases.filter((l) => l !== lease);
    giveBack(key, lease);
    if (st.leases.length === 0 && st.pending === undefined && keys.get(key) === st) keys.delete(key);
  };

  const install = (key: string, st: KeyState, row: LeaseRow, limit: number, window: number, own: number) => {
    const t = now();
    if (row.granted < 2) st.quietUntil = t + ttl;
    const remaining = row.granted - own;
    if (!row.allowed || remaining <= 0) return;
    // `used` counts the calling charge's hit (own = 1); a refill's first hit is the next call's.
    const used = row.used - 1 + own;
    const lease: Lease = { limit, window, stamp: row.stamp, expiresAt: t + ttl, remaining, used };
    st.leases.push(lease);
    const id = setTimeout(() => {
      timers.delete(id);
      expire(key, st, lease);
    }, ttl);
    Deno.unrefTimer(id);
    timers.add(id);
  };

  /** One round trip for `want` hits, `own` of them for the calling charge (0 for a refill). */
  const lease = (key: string, st: KeyState, limit: number, window: number, want: number, own: 0 | 1) => {
    const p = deps.db.one<LeaseRow>(leaseSql, [key, limit, window, want, ahead, own === 1]).then((row) => {
      install(key, st, row, limit, window, own);
      return row;
    });
    st.pending = p;
    const clear = () => {
      if (st.pending === p) st.pending = undefined;
    };
    p.then(clear, clear);
    return p;
  };

  const take = (
    st: KeyState,
    limit: number,
    window: number,
    t: number,
    key: string,
  ): RateCharge | undefined => {
    const l = usable(st, limit, window, t);
    if (!l) return undefined;
    l.remaining--;
    l.used++;
    const want = Math.min(maxBlock, Math.ceil(st.recent));
    const left = st.leases.reduce((n, x) => n + x.remaining, 0);
    if (left * 2 <= want && st.pending === undefined && t >= st.quietUntil) {
      lease(key, st, limit, window, want, 0).catch((error) =>
        deps.log.warn("governance.rate_lease_refill_failed", { error: String(error) })
      );
    }
    return { allowed: true, used: l.used, retryAfterMs: 0 };
  };

  const charge = async (key: string, limit: number, window: number, dryRun: boolean): Promise<RateCharge> => {
    if (dryRun) return deps.inner.charge(key, limit, window, true);
    let t = now();
    const st = stateOf(key, t);
    for (;;) {
      const taken = take(st, limit, window, t, key);
      if (taken) return taken;
      if (st.pending === undefined) break;
      await st.pending.catch(() => undefined);
      t = now();
    }
    const want = Math.min(maxBlock, Math.ceil(st.recent));
    if (want < minBlock || t < st.quietUntil) return deps.inner.charge(key, limit, window, false);
    const row = await lease(key, st, limit, window, want, 1);
    return { allowed: row.allowed, used: row.used, retryAfterMs: row.retry_after_ms };
  };

  const refund = (key: string): Promise<void> => {
    const t = now();
    const l = keys.get(key)?.leases.find((x) => t < x.expiresAt);
    if (!l) return deps.inner.refund(key);
    l.remaining++;
    l.used--;
    return Promise.resolve();
  };

  return {
    charge,
    refund,
    held: () => [...keys.values()].reduce((n, st) => n + st.leases.reduce((m, l) => m + l.remaining, 0), 0),
    settled: async () => {
      while ([...keys.values()].some((st) => st.pending)) {
        await Promise.all([...keys.values()].map((st) => st.pending?.catch(() => undefined)));
      }
    },
    [Symbol.asyncDispose]: async () => {
      for (const id of timers) clearTimeout(id);
      timers.clear();
      await Promise.all([...keys.values()].map((st) => st.pending?.catch(() => undefined)));
      for (const [key, st] of keys) for (const l of st.leases) giveBack(key, l);
      keys.clear();
      await Promise.all(returning);
    },
  };
}
