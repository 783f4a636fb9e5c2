import type { Charge, Stage, Subject } from "../types.ts";

/**
 * Pre-admission budgets and quotas for costed targets (the LLM gateway's calls carry a `charge`).
 * The port reserves the estimated cost atomically against every budget that applies to the caller
 * and charges request quotas; the surface settles the reservation with the actual cost (or
 * releases it after a deny or a failure). A target without a charge records `n/a`.
 */
export interface BudgetPort {
  /** `dryRun` (what-if checks) only looks: nothing is charged or reserved. */
  admit(subject: Subject, charge: Charge, dryRun: boolean): Promise<BudgetVerdict>;
}

export type BudgetVerdict =
  | { readonly admitted: true; readonly detail: string }
  | { readonly admitted: false; readonly reason: string; readonly detail: string };

export function createBudget(port: BudgetPort | undefined): Stage {
  return {
    id: "budget",
    evaluate: async ({ subject, target, dryRun }) => {
      if (!target.charge || !port) return { result: "n/a", detail: "no cost estimate for this target" };
      const verdict = await port.admit(subject, target.charge, dryRun);
      if (verdict.admitted) return { result: "pass", detail: verdict.detail };
      return { result: "fail", reason: verdict.reason, detail: verdict.detail };
    },
  };
}
