import type { ChainEntry, Decision, Stage, StageId, StageInput } from "./types.ts";

export interface ChainSpec {
  readonly enabled: boolean;
  /** Stages in file order; a stage listed in `disabled` records `disabled` and is not run. */
  readonly stages: readonly Stage[];
  readonly disabled: ReadonlySet<StageId>;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Runs the chain in order. The first `fail` wins and later stages record `skip`; a stage that
 * throws denies with policy `policy_error` (fail closed). With governance disabled everything is
 * allowed and every stage records `disabled`.
 */
export async function evaluateChain(spec: ChainSpec, input: StageInput): Promise<Decision> {
  if (!spec.enabled) {
    const chain = spec.stages.map((s) => entry(s.id, "disabled", null, 0));
    return { decision: "allow", policy: "governance_disabled", reason: null, chain };
  }
  const chain: ChainEntry[] = [];
  let denied: Decision | undefined;
  for (const stage of spec.stages) {
    if (denied) {
      chain.push(entry(stage.id, "skip", null, 0));
      continue;
    }
    if (spec.disabled.has(stage.id)) {
      chain.push(entry(stage.id, "disabled", null, 0));
      continue;
    }
    const started = performance.now();
    try {
      const verdict = await stage.evaluate(input);
      const ms = round(performance.now() - started);
      if (verdict.result === "fail") {
        chain.push(entry(stage.id, "fail", verdict.detail ?? verdict.reason, ms));
        denied = { decision: "deny", policy: verdict.policy ?? stage.id, reason: verdict.reason, chain };
      } else {
        chain.push(entry(stage.id, verdict.result, verdict.detail ?? null, ms));
      }
    } catch (error) {
      const ms = round(performance.now() - started);
      const message = error instanceof Error ? error.message : String(error);
      chain.push(entry(stage.id, "fail", `stage error: ${message}`, ms));
      denied = {
        decision: "deny",
        policy: "policy_error",
        reason: `policy stage ${stage.id} failed; denied`,
        chain,
      };
    }
  }
  return denied ?? { decision: "allow", policy: "default_allow", reason: null, chain };
}

function entry(id: StageId, result: ChainEntry["result"], detail: string | null, ms: number): ChainEntry {
  return { policy_id: id, result, detail, duration_ms: ms };
}
