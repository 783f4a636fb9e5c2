import type { AuditSink, ChargeResult, NewDecisionRecord } from "@domain/audit/record.ts";
import {
  type ChainEntry,
  chainEntry,
  type Decision,
  type Deferred,
  type DeferredEvaluation,
  evaluateChain,
  evaluateDeferred,
  type Policy,
  type StageInput,
  type Subject,
  type Target,
} from "@domain/governance/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import type { Clock } from "@shared/clock.ts";
import { describeError } from "@shared/errors.ts";
import { type DecisionId, newUuidV7, type TraceId, type UserId } from "@shared/ids.ts";
import type { Logger } from "@shared/logger.ts";

/**
 * The one governed decision every surface (hooks, MCP, LLM gateway, agents) makes: evaluate the
 * policy chain for an authenticated principal (or take a preset verdict such as
 * `authentication`/`invalid_request`), then record exactly one `governance_decisions` row durably
 * before answering. If the row cannot be made durable the answer is a deny (fail closed).
 *
 * One round trip: when the sink can take charges with a row (`AuditSink.appendCharged`), the
 * charging stages (`budget`, `rate_limit`) are deferred to the append, which appends the allow row
 * only if their charges pass. A refusal becomes the deny its stage would have given at its turn,
 * appended as a row of its own; charges that could not be confirmed (database unreachable, commit
 * not confirmed in time) deny with `policy_error`, as a failing stage does.
 */
export interface DecideDeps {
  readonly policy: Policy;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface GovernedCall {
  /** Undefined when authentication failed: the row is anonymous with agent scope `unknown`. */
  readonly principal: Principal | undefined;
  readonly target: Target;
  /** The session for the audit row and the rate-limit key; defaults to the principal's. */
  readonly sessionId?: string | undefined;
  readonly agentId?: string | undefined;
  readonly pluginId?: string | undefined;
  readonly contextId?: string | undefined;
  readonly taskId?: string | undefined;
  readonly traceId: TraceId;
  /** Extra, secret-free facts about the target for the audit blob (cwd, tool_use_id, server, model…). */
  readonly targetDetail?: Readonly<Record<string, unknown>>;
}

export interface Verdict {
  readonly decision: "allow" | "deny";
  readonly policy: string;
  readonly reason: string | null;
  readonly chain: readonly ChainEntry[];
}

export interface Outcome extends Verdict {
  readonly decisionId: DecisionId;
}

export async function decide(deps: DecideDeps, call: GovernedCall, preset?: Verdict): Promise<Outcome> {
  if (preset) return await record(deps, call, preset);
  if (!call.principal) {
    return await record(deps, call, {
      decision: "deny",
      policy: "authentication",
      reason: "authentication required",
      chain: [],
    });
  }
  const input: StageInput = {
    subject: subjectOf(call.principal, call.sessionId),
    target: call.target,
    dryRun: false,
  };
  const deferred = deps.audit.appendCharged ? await evaluateDeferred(deps.policy.spec, input) : undefined;
  if (deferred && deferred.deferred.length > 0) return await decideCharged(deps, call, deferred);
  return await record(deps, call, deferred?.decision ?? await evaluateChain(deps.policy.spec, input));
}

/** Appends the allow row with its charges; a refusal is recorded as its stage's deny. */
async function decideCharged(
  deps: DecideDeps,
  call: GovernedCall,
  evaluation: DeferredEvaluation,
  retried = false,
): Promise<Outcome> {
  const { decision, deferred } = evaluation;
  const row = decisionRecord(deps, call, decision);
  let receipt;
  try {
    receipt = await deps.audit.appendCharged!(row, deferred.map((d) => d.charge.charges));
  } catch (error) {
    deps.log.error("governance.charges_unconfirmed", { trace_id: call.traceId, error: describeError(error) });
    return await record(deps, call, unconfirmed(decision, deferred[0]!, error));
  }
  if (receipt.appended) return { ...decision, decisionId: row.id };
  const k = receipt.refusedStage;
  const refusing = deferred[k]!;
  const results = receipt.charges[k] ?? [];
  if (!retried && await refusing.charge.retry?.(results).catch(() => false)) {
    // The stages before the refusing one kept their charges: only the rest are tried again.
    return await decideCharged(deps, call, { decision, deferred: deferred.slice(k) }, true);
  }
  return await record(deps, call, refusal(decision, deferred, k, receipt.charges));
}

/** The deny the refusing stage gives at its turn: earlier stages passed (with their counts), later ones skip. */
function refusal(
  allowed: Decision,
  deferred: readonly Deferred[],
  k: number,
  results: readonly (readonly ChargeResult[])[],
): Verdict {
  const refusing = deferred[k]!;
  const chain = [...allowed.chain];
  for (const [j, d] of deferred.slice(0, k).entries()) {
    const verdict = safeVerdict(d, results[j] ?? []);
    chain[d.index] = chainEntry(d.stage.id, "pass", verdict?.detail ?? d.charge.passDetail, 0);
  }
  for (let i = refusing.index + 1; i < chain.length; i++) {
    chain[i] = chainEntry(chain[i]!.policy_id, "skip", null, 0);
  }
  const verdict = safeVerdict(refusing, results[k] ?? []);
  if (verdict?.result !== "fail") {
    const detail = "stage error: its charges were refused without a reason";
    chain[refusing.index] = chainEntry(refusing.stage.id, "fail", detail, 0);
    return {
      decision: "deny",
      policy: "policy_error",
      reason: `policy stage ${refusing.stage.id} failed; denied`,
      chain,
    };
  }
  chain[refusing.index] = chainEntry(refusing.stage.id, "fail", verdict.detail ?? verdict.reason, 0);
  return { decision: "deny", policy: verdict.policy ?? refusing.stage.id, reason: verdict.reason, chain };
}

function safeVerdict(d: Deferred, results: readonly ChargeResult[]) {
  try {
    return d.charge.verdictOf(results);
  } catch {
    return undefined;
  }
}

/** Charges that could not be confirmed deny as a failing stage does (`policy_error`, fail closed). */
function unconfirmed(allowed: Decision, first: Deferred, error: unknown): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  const chain = allowed.chain.map((e, i) =>
    i < first.index
      ? e
      : i === first.index
      ? chainEntry(e.policy_id, "fail", `stage error: ${message}`, 0)
      : chainEntry(e.policy_id, "skip", null, 0)
  );
  return {
    decision: "deny",
    policy: "policy_error",
    reason: `policy stage ${first.stage.id} failed; denied`,
    chain,
  };
}

/** Makes the verdict's row durable; a row that cannot be stored turns the answer into a deny. */
async function record(deps: DecideDeps, call: GovernedCall, verdict: Verdict): Promise<Outcome> {
  const row = decisionRecord(deps, call, verdict);
  try {
    await deps.audit.append(row);
  } catch (error) {
    deps.log.error("governance.audit_unavailable", { trace_id: call.traceId, error: describeError(error) });
    return {
      decisionId: row.id,
      decision: "deny",
      policy: "unavailable",
      reason: "audit trail unavailable; denied",
      chain: verdict.chain,
    };
  }
  return { ...verdict, decisionId: row.id };
}

export function subjectOf(principal: Principal, sessionId: string | undefined): Subject {
  return {
    userId: principal.userId,
    email: principal.email,
    scope: principal.scope === "admin" ? "admin" : "user",
    roles: principal.roles,
    department: principal.department,
    sessionId: sessionId ?? principal.sessionId,
  };
}

function decisionRecord(deps: DecideDeps, call: GovernedCall, verdict: Verdict): NewDecisionRecord {
  const now = deps.clock.now();
  const p = call.principal;
  return {
    id: newUuidV7(now.getTime()) as DecisionId,
    userId: (p?.userId ?? null) as UserId | null,
    sessionId: call.sessionId ?? p?.sessionId ?? null,
    toolName: call.target.toolName || null,
    agentId: call.agentId ?? null,
    agentScope: p ? p.scope === "admin" ? "admin" : "user" : "unknown",
    decision: verdict.decision,
    policy: verdict.policy,
    reason: verdict.reason,
    evaluatedRules: {
      principal: p
        ? {
          user_id: p.userId,
          email: p.email,
          roles: p.roles,
          scope: p.scope,
          credential: p.credential,
          plugin_id: p.pluginId,
        }
        : null,
      target: {
        surface: call.target.surface,
        event: call.target.event,
        tool_name: call.target.toolName,
        ...call.targetDetail,
      },
      chain: verdict.chain,
      policy_version: deps.policy.version,
    },
    pluginId: call.pluginId ?? p?.pluginId ?? null,
    actorKind: p ? "user" : "anonymous",
    actorId: p?.userId ?? null,
    actChain: p?.actChain ?? [],
    contextId: call.contextId ?? null,
    taskId: call.taskId ?? null,
    traceId: call.traceId,
    createdAt: now,
  };
}
