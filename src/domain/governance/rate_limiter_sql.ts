import chargeSql from "@sql/queries/governance/charge_rate_limit.sql" with { type: "text" };
import chargeManySql from "@sql/queries/governance/charge_rate_limits.sql" with { type: "text" };
import refundSql from "@sql/queries/governance/refund_rate_limit.sql" with { type: "text" };
import type { Queryable } from "@infra/db/db.ts";
import type { RateCharge, RateLimiter } from "./stages/rate_limit.ts";

interface ChargeRow {
  readonly allowed: boolean;
  readonly used: number;
  readonly retry_after_ms: number;
}

interface Pending {
  readonly key: string;
  readonly limit: number;
  readonly window: number;
  readonly dry: boolean;
  resolve(charge: RateCharge): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 256;

/**
 * Rate-limit charges on the database clock, group-committed like the audit writer: a charge that
 * finds no call in flight goes at once (one round trip, `sp_rate_limit_charge`); charges that
 * arrive meanwhile queue and go together as the next call (`sp_rate_limit_charge_many`), answered
 * in arrival order. Under load a round trip carries many charges; alone, a charge waits only for
 * the charges made in the same turn of the event loop (a call's quota and rate-limit charges go in
 * one round trip).
 */
export function createSqlRateLimiter(db: Queryable): RateLimiter {
  return new GroupCommitRateLimiter(db);
}

class GroupCommitRateLimiter implements RateLimiter {
  readonly #db: Queryable;
  #queue: Pending[] = [];
  /** A drain is scheduled or under way (set and cleared synchronously: no charge can fall between). */
  #running = false;

  constructor(db: Queryable) {
    this.#db = db;
  }

  charge(key: string, limit: number, window: number, dry: boolean): Promise<RateCharge> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ key, limit, window, dry, resolve, reject });
      if (this.#running) return;
      this.#running = true;
      // Started after this turn, so the charges a call makes together travel together.
      queueMicrotask(() => void this.#drain());
    });
  }

  async refund(key: string): Promise<void> {
    await this.#db.query(refundSql, [key]);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          const rows = await this.#send(batch);
          batch.forEach((p, i) => p.resolve(toCharge(rows[i])));
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #send(batch: readonly Pending[]): Promise<readonly ChargeRow[]> {
    const [only] = batch;
    if (only && batch.length === 1) {
      return [await this.#db.one<ChargeRow>(chargeSql, [only.key, only.limit, only.window, only.dry])];
    }
    const charges = batch.map((p) => ({ key: p.key, limit: p.limit, window: p.window, dry: p.dry }));
    return await this.#db.many<ChargeRow>(chargeManySql, [JSON.stringify(charges)]);
  }
}

function toCharge(row: ChargeRow | undefined): RateCharge {
  if (!row) throw new Error("the rate-limit batch answered fewer rows than it was sent");
  return { allowed: row.allowed, used: row.used, retryAfterMs: row.retry_after_ms };
}
