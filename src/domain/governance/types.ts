/**
 * The governance vocabulary: who asks (Subject), for what (Target), what each stage said
 * (ChainEntry) and the verdict (Decision). Stage ids are stable: they appear in audit rows and deny
 * texts.
 */
import { STAGE_IDS } from "@infra/config/services.ts";

export { STAGE_IDS };
export type StageId = typeof STAGE_IDS[number];

/** Policy ids that are not stages (ARCHITECTURE §6). */
export type FixedPolicy =
  | "default_allow"
  | "governance_disabled"
  | "authentication"
  | "invalid_request"
  | "policy_error"
  | "vault"
  | "unscannable"
  | "unavailable";

export type StageOutcome = "pass" | "fail" | "skip" | "disabled" | "n/a";

export interface ChainEntry {
  readonly policy_id: StageId;
  readonly result: StageOutcome;
  readonly detail: string | null;
  readonly duration_ms: number;
}

/** The caller as governance sees it: identity only, never fields of the request body. */
export interface Subject {
  readonly userId: string;
  readonly email: string;
  readonly scope: "admin" | "user";
  readonly roles: readonly string[];
  readonly department: string | null;
  /** Rate-limit and audit session: the hook body's `session_id` when present, else the token's. */
  readonly sessionId: string;
}

export type Surface = "hook" | "mcp" | "llm" | "a2a";

export interface Target {
  readonly surface: Surface;
  /** `PreToolUse`, `UserPromptSubmit`, `tools/call`, … */
  readonly event: string;
  /** The tool name as the client sent it (`Read`, `mcp__github__create_issue`, `user_prompt`). */
  readonly toolName: string;
  readonly toolInput?: unknown;
  readonly prompt?: string;
  /** The catalogued entity when the surface knows it (`gateway_route:<id>`); `rbac` checks it. */
  readonly entity?: string;
  /** A costed call (LLM gateway): what the `budget` stage reserves; the surface settles it later. */
  readonly charge?: Charge;
}

export interface Charge {
  /** Names the reservation the surface settles (actual cost) or releases (deny, failure). */
  readonly reservationId: string;
  /** Estimated maximum cost in microdollars. */
  readonly estimateMicros: number;
  readonly agentId: string | null;
  /** The PAT prefix when the caller used one (budgets and quotas with scope `api_key`). */
  readonly apiKey: string | null;
}

/** What a stage returns. `fail` carries the deny reason shown to the client. */
export type StageVerdict =
  | { readonly result: "pass"; readonly detail?: string }
  | { readonly result: "n/a"; readonly detail?: string }
  | {
    readonly result: "fail";
    readonly reason: string;
    readonly detail?: string;
    /** A fixed policy id to record instead of the stage's own (e.g. `unscannable`). */
    readonly policy?: "unscannable";
  };

export interface StageInput {
  readonly subject: Subject;
  readonly target: Target;
  /** What-if evaluation: stages must not charge or change anything. */
  readonly dryRun: boolean;
}

export interface Stage {
  readonly id: StageId;
  evaluate(input: StageInput): StageVerdict | Promise<StageVerdict>;
  /**
   * A stage that charges (`budget`, `rate_limit`) may be started before its turn, together with
   * the other charging stages after it, so their database round trips overlap. Undefined: nothing
   * to start for this input (the stage is evaluated at its turn).
   */
  start?(input: StageInput): StartedStage | undefined;
}

/** A stage already on its way: its verdict, and how to hand back its charge if it never counts. */
export interface StartedStage {
  readonly verdict: Promise<StageVerdict>;
  /** Reverses what the stage charged; the chain calls it when an earlier stage denied after all. */
  undo(): Promise<void>;
}

export type Decision =
  | {
    readonly decision: "allow";
    readonly policy: "default_allow" | "governance_disabled";
    readonly reason: null;
    readonly chain: readonly ChainEntry[];
  }
  | {
    readonly decision: "deny";
    readonly policy: StageId | "policy_error" | "unscannable";
    readonly reason: string;
    readonly chain: readonly ChainEntry[];
  };
