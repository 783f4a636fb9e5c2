import type { AuditSink, NewDecisionRecord } from "@domain/audit/record.ts";
import {
  type ChainEntry,
  evaluateChain,
  type Policy,
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
  const verdict = preset ??
    (call.principal
      ? await evaluateChain(deps.policy.spec, {
        subject: subjectOf(call.principal, call.sessionId),
        target: call.target,
        dryRun: false,
      })
      : {
        decision: "deny" as const,
        policy: "authentication",
        reason: "authentication required",
        chain: [],
      });
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
