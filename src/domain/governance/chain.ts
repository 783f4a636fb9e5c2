import type {
  ChainEntry,
  Decision,
  Stage,
  StageId,
  StageInput,
  StageVerdict,
  StartedStage,
} from "./types.ts";

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
 *
 * Charging stages overlap: on reaching the first stage that can be started (`Stage.start`), every
 * later enabled one is started too, so their round trips run together instead of one after the
 * other; each verdict still counts only at its stage's turn. When an earlier stage denies, the
 * started stages after it are undone (their charges handed back) and record `skip` with a note.
 */
export async function evaluateChain(spec: ChainSpec, input: StageInput): Promise<Decision> {
  if (!spec.enabled) {
    const chain = spec.stages.map((s) => entry(s.id, "disabled", null, 0));
    return { decision: "allow", policy: "governance_disabled", reason: null, chain };
  }
  const chain: ChainEntry[] = [];
  const started = new Map<Stage, StartedStage>();
  let denied: Decision | undefined;
  for (let index = 0; index < spec.stages.length; index++) {
    const stage = spec.stages[index]!;
    if (denied) {
      const early = started.get(stage);
      chain.push(entry(stage.id, "skip", early ? await undoNote(early) : null, 0));
      continue;
    }
    if (spec.disabled.has(stage.id)) {
      chain.push(entry(stage.id, "disabled", null, 0));
      continue;
    }
    if (stage.start && !started.has(stage)) startFrom(spec, index, input, started);
    const began = performance.now();
    try {
      const pending = verdictOf(stage, started.get(stage), input);
      // A stage that answers at once is not awaited: no promise and no turn of the queue per stage.
      const verdict = pending instanceof Promise ? await pending : pending;
      const ms = round(performance.now() - began);
      if (verdict.result === "fail") {
        chain.push(entry(stage.id, "fail", verdict.detail ?? verdict.reason, ms));
        denied = { decision: "deny", policy: verdict.policy ?? stage.id, reason: verdict.reason, chain };
      } else {
        chain.push(entry(stage.id, verdict.result, verdict.detail ?? null, ms));
      }
    } catch (error) {
      const ms = round(performance.now() - began);
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

/** Starts every enabled, startable stage from `index` on (each at most once per evaluation). */
function startFrom(
  spec: ChainSpec,
  index: number,
  input: StageInput,
  started: Map<Stage, StartedStage>,
): void {
  for (const stage of spec.stages.slice(index)) {
    if (!stage.start || started.has(stage) || spec.disabled.has(stage.id)) continue;
    let run: StartedStage | undefined;
    try {
      run = stage.start(input);
    } catch (error) {
      run = { verdict: Promise.reject(error), undo: () => Promise.resolve() };
    }
    if (!run) continue;
    // Handled here so a failure that lands before the stage's turn is not an unhandled rejection;
    // awaiting `verdict` at the stage's turn still throws it.
    run.verdict.catch(() => {});
    started.set(stage, run);
  }
}

function verdictOf(
  stage: Stage,
  early: StartedStage | undefined,
  input: StageInput,
): StageVerdict | Promise<StageVerdict> {
  return early ? early.verdict : stage.evaluate(input);
}

/** Hands back the charge of a stage started early whose turn never came; the audit row says so. */
async function undoNote(early: StartedStage): Promise<string> {
  try {
    await early.undo();
    return "started early; charge handed back";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `started early; handing its charge back failed: ${message}`;
  }
}

function entry(id: StageId, result: ChainEntry["result"], detail: string | null, ms: number): ChainEntry {
  return { policy_id: id, result, detail, duration_ms: ms };
}
