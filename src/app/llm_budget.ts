import type { BudgetPort, BudgetVerdict, Charge, RateLimiter, Subject } from "@domain/governance/mod.ts";
import {
  bindBudgets,
  bindQuotas,
  type Caller,
  formatUsd,
  reclaimStaleReservations,
  reserveBudgets,
  type RouteTable,
} from "@domain/llm/mod.ts";
import type { GatewayPolicies } from "@infra/config/gateway_policies_schema.ts";
import type { Queryable } from "@infra/db/db.ts";
import type { Logger } from "@shared/logger.ts";
import type { BudgetLeases } from "./llm_budget_lease.ts";
import { createReserveQueue, type ReserveFn } from "./llm_reserve_queue.ts";

/**
 * The `budget` stage for LLM calls: request quotas (rolling windows, the rate limiter's SQL), then
 * one atomic reservation of the estimated maximum cost in every budget that binds the caller
 * (`sp_llm_budget_reserve`, group-committed by llm_reserve_queue.ts). Shadow budgets never deny;
 * a would-be denial is logged and noted in the stage detail. Deny texts end with `retry after <n>ms|s` (the gateway's `retry-after`).
 *
 * A process that dies between reserving and settling leaves its reservations held. Before a budget
 * denies, reservations older than `staleReservationMs` are reclaimed (released) and the reservation
 * is tried once more, so a crash never costs more than that bound of held budget — and the happy
 * path pays nothing for it. The bound must exceed the longest a live call can hold a reservation
 * (`staleReservationBound`: the route deadlines with every retry, plus a margin).
 *
 * With `leases`, a busy caller's calls are admitted against a block reserved once
 * (llm_budget_lease.ts); whenever no lease can serve a call, it reserves alone as above.
 */
export interface LlmBudgetDeps {
  readonly db: Queryable;
  readonly limiter: RateLimiter;
  readonly policies: GatewayPolicies;
  readonly log: Logger;
  /** Default 30 minutes. */
  readonly staleReservationMs?: number;
  readonly leases?: BudgetLeases;
}

const STALE_MARGIN_MS = 10 * 60_000;

/** How old a reservation must be to belong to a dead process: 2 × every try's deadline + 10 min. */
export function staleReservationBound(runtime: { table: RouteTable; retries: number }): number {
  const deadlines = [runtime.table.timeoutMs, ...runtime.table.routes.map((r) => r.timeoutMs ?? 0)];
  return STALE_MARGIN_MS + 2 * (runtime.retries + 1) * Math.max(...deadlines);
}

export function createLlmBudgetPort(deps: LlmBudgetDeps): BudgetPort {
  const withQueue = { ...deps, reserve: createReserveQueue(deps.db) };
  return { admit: (subject, charge, dryRun) => admit(withQueue, subject, charge, dryRun) };
}

async function admit(
  deps: LlmBudgetDeps & { readonly reserve: ReserveFn },
  subject: Subject,
  charge: Charge,
  dryRun: boolean,
): Promise<BudgetVerdict> {
  const caller: Caller = { ...subject, agentId: charge.agentId, apiKey: charge.apiKey };
  const budgets = bindBudgets(deps.policies, caller);
  const estimate = charge.estimateMicros;
  // The quota charge and the reservation go out together (one round trip of waiting, not two). A
  // quota denial leaves a reservation behind: the denied call's settlement (actual cost 0) releases it.
  let leased = false;
  const reserve = async () => {
    const request = { reservationId: charge.reservationId, budgets, amountMicros: estimate };
    if (await deps.leases?.reserve(request)) {
      leased = true;
      return { admitted: true, shadowExceeded: [] } as const;
    }
    return deps.reserve(request);
  };
  const [quotas, reserved] = await Promise.all([
    chargeQuotas(deps, caller, dryRun),
    budgets.length === 0
      ? undefined
      : dryRun
      ? reserveBudgets(deps.db, charge.reservationId, budgets, estimate, true)
      : reserve(),
  ]);
  if (!quotas.admitted) return quotas;
  const undo = quotas.undo ? { undo: quotas.undo } : {};
  const notes = quotas.detail ? [quotas.detail] : [];
  if (!reserved) return { admitted: true, detail: [...notes, "no budget applies"].join("; "), ...undo };
  let r = reserved;
  if (!r.admitted && await reclaimStale(deps) > 0) {
    r = await reserveBudgets(deps.db, charge.reservationId, budgets, estimate, dryRun);
  }
  if (!r.admitted) {
    const b = r.budget;
    return {
      admitted: false,
      reason:
        `budget exceeded: ${b.name} (${b.label}) has ${formatUsd(r.remainingMicros)} of ${
          formatUsd(b.limitMicros)
        } ` +
        `left this ${b.window}, call estimated at ${
          formatUsd(estimate)
        }; retry after ${r.retryAfterSeconds}s`,
      detail: `${b.name} exhausted`,
    };
  }
  if (r.shadowExceeded.length > 0) {
    deps.log.warn("llm.budget_shadow_exceeded", {
      budgets: r.shadowExceeded,
      user_id: subject.userId,
      estimate_micros: estimate,
    });
    notes.push(`shadow: ${r.shadowExceeded.join(", ")} would deny`);
  }
  const names = budgets.map((b) => b.name).join(", ");
  notes.push(`reserved ${formatUsd(estimate)} in ${names}${leased ? " (from a leased block)" : ""}`);
  return { admitted: true, detail: notes.join("; "), ...undo };
}

async function reclaimStale(deps: LlmBudgetDeps): Promise<number> {
  const released = await reclaimStaleReservations(deps.db, deps.staleReservationMs ?? 30 * 60_000);
  if (released > 0) deps.log.warn("llm.budget_reservations_reclaimed", { reservations: released });
  return released;
}

/**
 * One rolling-window charge per quota that binds the caller; the first exhausted one denies. When
 * admitted, `undo` hands the charges back (the chain started this stage early and then denied).
 */
async function chargeQuotas(deps: LlmBudgetDeps, caller: Caller, dryRun: boolean): Promise<BudgetVerdict> {
  const notes: string[] = [];
  const charged: string[] = [];
  const undo = async () => {
    for (const key of charged) await deps.limiter.refund(key);
  };
  for (const q of bindQuotas(deps.policies, caller)) {
    const key = `quota:${q.name}:${q.key}`;
    const c = await deps.limiter.charge(key, q.maxRequests, q.windowSeconds, dryRun);
    if (!c.allowed) {
      return {
        admitted: false,
        reason:
          `quota exceeded: ${q.name} allows ${q.maxRequests} requests per ${q.windowSeconds}s for ${q.label}; ` +
          `retry after ${c.retryAfterMs}ms`,
        detail: `${q.name} ${c.used}/${q.maxRequests}`,
      };
    }
    if (!dryRun) charged.push(key);
    notes.push(`${q.name} ${c.used}/${q.maxRequests}`);
  }
  return { admitted: true, detail: notes.join("; "), undo };
}
