import type { Stage, StageInput, StageVerdict, StartedStage } from "../types.ts";

/** One SQL round trip on the database clock (`sql/queries/governance/charge_rate_limit.sql`). */
export interface RateLimiter {
  /** Charges one call unless `limit` are already charged in the window; `dryRun` only looks. */
  charge(key: string, limit: number, windowSeconds: number, dryRun: boolean): Promise<RateCharge>;
  /** Hands back one charge of `key` (a call charged early whose chain was then denied earlier). */
  refund(key: string): Promise<void>;
}

export interface RateCharge {
  readonly allowed: boolean;
  readonly used: number;
  readonly retryAfterMs: number;
}

export interface RateLimitSettings {
  readonly calls: number;
  readonly windowSeconds: number;
}

/**
 * At most N charged calls in any rolling window of W seconds per `session_id:user_id`. It runs
 * last, so calls denied by an earlier stage are never charged (one started early alongside the
 * `budget` stage is refunded when that stage denies); a denied call is not charged either.
 */
export function createRateLimit(limiter: RateLimiter, settings: RateLimitSettings): Stage {
  const start = ({ subject, dryRun }: StageInput): StartedStage => {
    const key = `${subject.sessionId}:${subject.userId}`;
    const charge = limiter.charge(key, settings.calls, settings.windowSeconds, dryRun);
    return {
      verdict: charge.then((c) => verdictOf(c, settings)),
      undo: async () => {
        // A charge that failed charged nothing.
        const c = await charge.catch(() => undefined);
        if (c?.allowed && !dryRun) await limiter.refund(key);
      },
    };
  };
  return { id: "rate_limit", start, evaluate: (input) => start(input).verdict };
}

function verdictOf(charge: RateCharge, settings: RateLimitSettings): StageVerdict {
  const detail = `${charge.used}/${settings.calls} in ${settings.windowSeconds}s`;
  if (charge.allowed) return { result: "pass", detail };
  return {
    result: "fail",
    reason:
      `rate limit exceeded: ${settings.calls} calls per ${settings.windowSeconds}s; retry after ${charge.retryAfterMs}ms`,
    detail,
  };
}
