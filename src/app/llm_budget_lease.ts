import { type BoundBudget, leaseBudgets, type ReservationRequest, type Settlement } from "@domain/llm/mod.ts";
import type { Queryable } from "@infra/db/db.ts";
import { newUuidV7 } from "@shared/ids.ts";
import type { Clock } from "@shared/clock.ts";
import type { Logger } from "@shared/logger.ts";

/**
 * Budget leases: a caller making several calls a second reserves a block of budget once
 * (`sp_llm_budget_lease`, migration 0015) and its next calls are admitted against the block locally,
 * with no statement before dispatch. Each call's actual cost is settled into the lease by the call
 * recorder (`keep`: the reservation shrinks as the spend grows), and what is left is released when
 * the lease expires (`ttlMs`) and its last call has settled. A lease is granted only while every
 * window has `headroom` blocks free, so the end of a budget is always reserved call by call
 * (llm_budget.ts), exactly: concurrent calls can never overspend, with or without leases.
 *
 * A lease covers one set of bound budgets (the same caller, key and agent bind the same set). A
 * process that dies holding one leaves its unspent remainder reserved until stale reservations are
 * reclaimed, like a call's reservation; what was settled into it is already spent.
 */
export interface BudgetLeases extends AsyncDisposable {
  /** Admits the call against a lease of its budgets; false: reserve it alone. */
  reserve(request: ReservationRequest): Promise<boolean>;
  /** What the recorder writes for a call's settlement (the call's own, or into its lease). */
  route(settlement: Settlement): readonly Settlement[];
  /** Micro-dollars leased and not yet used, over every lease (tests and metrics). */
  held(): number;
  /** Resolves when no lease request is in flight (tests). */
  settled(): Promise<void>;
}

export interface BudgetLeaseDeps {
  readonly db: Queryable;
  readonly log: Logger;
  readonly clock: Clock;
  /** Queues a lease's release behind its calls' settlements (the call recorder's `settle`). */
  readonly release: (settlement: Settlement) => void;
}

export interface BudgetLeaseOptions {
  readonly ttlMs?: number;
  /** A block is this many of the caller's recent calls' estimates, at most `maxCalls`. */
  readonly minCalls?: number;
  readonly maxCalls?: number;
  /** Every window must have this many blocks free for a lease to be granted. */
  readonly headroom?: number;
  /** After a lease is refused (too little headroom, a window not created yet), how long to not ask again. */
  readonly quietMs?: number;
  /** A lease whose calls never settle (a bug, a hung call) is released after this long anyway. */
  readonly holdMs?: number;
  readonly monotonic?: () => number;
}

interface Lease {
  readonly id: string;
  available: number;
  inflight: number;
  readonly expiresAt: number;
  expired: boolean;
  released: boolean;
}

interface Group {
  /** Calls seen, decayed over `ttlMs`. */
  recent: number;
  at: number;
  leases: Lease[];
  pending: Promise<boolean> | undefined;
  quietUntil: number;
}

const MAX_GROUPS = 4096;

export function createBudgetLeases(deps: BudgetLeaseDeps, options: BudgetLeaseOptions = {}): BudgetLeases {
  const ttl = options.ttlMs ?? 1_000;
  const minCalls = options.minCalls ?? 4;
  const maxCalls = options.maxCalls ?? 32;
  const headroom = options.headroom ?? 4;
  const holdMs = options.holdMs ?? 10 * 60_000;
  const quietMs = options.quietMs ?? 250;
  const now = options.monotonic ?? (() => performance.now());
  const groups = new Map<string, Group>();
  const calls = new Map<string, { readonly lease: Lease; readonly estimate: number }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let disposed = false;

  const after = (ms: number, fn: () => void) => {
    const id = setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    Deno.unrefTimer(id);
    timers.add(id);
  };

  const release = (lease: Lease) => {
    if (lease.released) return;
    lease.released = true;
    deps.release({ reservationId: lease.id, actualMicros: 0 });
  };

  const expire = (key: string, g: Group, lease: Lease) => {
    lease.expired = true;
    g.leases = g.leases.filter((l) => l !== lease);
    if (lease.inflight === 0) release(lease);
    else {
      after(holdMs, () => {
        for (const [id, c] of calls) if (c.lease === lease) calls.delete(id);
        release(lease);
      });
    }
    if (g.leases.length === 0 && g.pending === undefined && groups.get(key) === g) groups.delete(key);
  };

  const groupOf = (key: string, t: number): Group => {
    let g = groups.get(key);
    if (!g) {
      if (groups.size >= MAX_GROUPS) {
        for (const [k, x] of groups) {
          if (x.leases.length === 0 && !x.pending && t - x.at > 5 * ttl) groups.delete(k);
        }
      }
      g = { recent: 0, at: t, leases: [], pending: undefined, quietUntil: 0 };
      groups.set(key, g);
    }
    g.recent = g.recent * Math.exp((g.at - t) / ttl) + 1;
    g.at = t;
    return g;
  };

  const request = (key: string, g: Group, budgets: readonly BoundBudget[], blockMicros: number) => {
    const leaseId = newUuidV7(deps.clock.now().getTime());
    const p = leaseBudgets(deps.db, { leaseId, budgets, blockMicros }, { headroom, minLeftSeconds: 5 }).then(
      (granted) => {
        const t = now();
        if (!granted || disposed) {
          g.quietUntil = t + quietMs;
          if (granted) deps.release({ reservationId: leaseId, actualMicros: 0 });
          return false;
        }
        const lease: Lease = {
          id: leaseId,
          available: blockMicros,
          inflight: 0,
          expiresAt: t + ttl,
          expired: false,
          released: false,
        };
        g.leases.push(lease);
        after(ttl, () => expire(key, g, lease));
        return true;
      },
    );
    g.pending = p;
    const clear = () => {
      if (g.pending === p) g.pending = undefined;
    };
    p.then(clear, clear);
    return p;
  };

  const admit = (key: string, g: Group, r: ReservationRequest, t: number): boolean => {
    const lease = g.leases.find((l) => !l.expired && t < l.expiresAt && l.available >= r.amountMicros);
    if (!lease) return false;
    lease.available -= r.amountMicros;
    lease.inflight++;
    calls.set(r.reservationId, { lease, estimate: r.amountMicros });
    const block = r.amountMicros * Math.min(maxCalls, Math.ceil(g.recent));
    const left = g.leases.reduce((n, l) => n + Math.max(0, l.available), 0);
    if (
      left * 2 < block && g.pending === undefined && t >= g.quietUntil && block >= minCalls * r.amountMicros
    ) {
      request(key, g, r.budgets, block).catch((error) =>
        deps.log.warn("llm.budget_lease_failed", { error: String(error) })
      );
    }
    return true;
  };

  const reserve = async (r: ReservationRequest): Promise<boolean> => {
    if (disposed || r.budgets.length === 0 || r.amountMicros <= 0) return false;
    const key = signature(r.budgets);
    let t = now();
    const g = groupOf(key, t);
    for (;;) {
      if (admit(key, g, r, t)) return true;
      if (g.pending === undefined) break;
      await g.pending.catch(() => false);
      t = now();
    }
    const n = Math.min(maxCalls, Math.ceil(g.recent));
    if (n < minCalls || t < g.quietUntil) return false;
    if (!await request(key, g, r.budgets, n * r.amountMicros)) return false;
    return admit(key, g, r, now());
  };

  const route = (s: Settlement): readonly Settlement[] => {
    const c = calls.get(s.reservationId);
    if (!c) return [s];
    calls.delete(s.reservationId);
    const { lease } = c;
    lease.inflight--;
    lease.available += c.estimate - s.actualMicros;
    const into: Settlement = { reservationId: lease.id, actualMicros: s.actualMicros, keep: true };
    if (!lease.expired || lease.inflight > 0 || lease.released) return [into];
    lease.released = true;
    return [into, { reservationId: lease.id, actualMicros: 0 }];
  };

  return {
    reserve,
    route,
    held: () => [...groups.values()].reduce((n, g) => n + g.leases.reduce((m, l) => m + l.available, 0), 0),
    settled: async () => {
      while ([...groups.values()].some((g) => g.pending)) {
        await Promise.all([...groups.values()].map((g) => g.pending?.catch(() => false)));
      }
    },
    [Symbol.asyncDispose]: async () => {
      disposed = true;
      await Promise.all([...groups.values()].map((g) => g.pending?.catch(() => false)));
      for (const id of timers) clearTimeout(id);
      timers.clear();
      // The server drained its calls first: every lease is released now, even one a call still holds.
      for (const g of groups.values()) for (const l of g.leases) release(l);
      groups.clear();
      calls.clear();
    },
  };
}

/** The set of budget windows a lease covers; a changed limit or mode is a different set. */
function signature(budgets: readonly BoundBudget[]): string {
  let s = "";
  for (const b of budgets) {
    s += `${b.name}\u0001${b.key}\u0001${b.window}\u0001${b.limitMicros}\u0001${b.enforce}\u0002`;
  }
  return s;
}
