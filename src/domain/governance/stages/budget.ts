import type { Charge, Stage, StageInput, StageVerdict, StartedStage, Subject } from "../types.ts";

/**
 * Pre-admission budgets and quotas for costed targets (the LLM gateway's calls carry a `charge`).
 * The port reserves the estimated cost atomically against every budget that applies to the caller
 * and charges request quotas; the surface settles the reservation with the actual cost (or
 * releases it after a deny or a failure). A target without a charge records `n/a`. Started early
 * (the chain overlaps it with `rate_limit`) and then not counted because an earlier stage denied,
 * its quota charges are handed back; the reservation is the surface's to release, as after any deny.
 */
export interface BudgetPort {
  /** `dryRun` (what-if checks) only looks: nothing is charged or reserved. */
  admit(subject: Subject, charge: Charge, dryRun: boolean): Promise<BudgetVerdict>;
}

export type BudgetVerdict =
  | {
    readonly admitted: true;
    readonly detail: string;
    /** Hands back the request-quota charges made for this call. */
    readonly undo?: () => Promise<void>;
  }
  | { readonly admitted: false; readonly reason: string; readonly detail: string };

export function createBudget(port: BudgetPort | undefined): Stage {
  const start = ({ subject, target, dryRun }: StageInput): StartedStage | undefined => {
    if (!target.charge || !port) return undefined;
    const admitted = port.admit(subject, target.charge, dryRun);
    return {
      verdict: admitted.then(verdictOf),
      undo: async () => {
        // An admission that failed charged nothing.
        const verdict = await admitted.catch(() => undefined);
        if (verdict?.admitted) await verdict.undo?.();
      },
    };
  };
  return {
    id: "budget",
    start,
    evaluate: (input) =>
      start(input)?.verdict ?? { result: "n/a", detail: "no cost estimate for this target" },
  };
}

function verdictOf(verdict: BudgetVerdict): StageVerdict {
  if (verdict.admitted) return { result: "pass", detail: verdict.detail };
  return { result: "fail", reason: verdict.reason, detail: verdict.detail };
}
