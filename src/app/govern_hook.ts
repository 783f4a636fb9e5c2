import type { AuditSink, NewDecisionRecord } from "@domain/audit/record.ts";
import { type ChainEntry, evaluateChain, type Policy, type Subject } from "@domain/governance/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import type { Clock } from "@shared/clock.ts";
import { describeError } from "@shared/errors.ts";
import { type DecisionId, newUuidV7, type TraceId, type UserId } from "@shared/ids.ts";
import type { Logger } from "@shared/logger.ts";
import type { AuthVerdict, Credentials } from "./authenticate.ts";
import type { HookEventName, HookParse, HookRequest } from "./hook_request.ts";

export interface GovernDeps {
  readonly authenticate: (credentials: Credentials, audiences: readonly string[]) => Promise<AuthVerdict>;
  readonly policy: Policy;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface GovernInput {
  readonly credentials: Credentials;
  readonly parse: HookParse;
  readonly pluginId: string | undefined;
  readonly traceId: TraceId;
}

export interface GovernOutcome {
  readonly event: HookEventName;
  readonly decision: "allow" | "deny";
  readonly policy: string;
  readonly reason: string | null;
}

/** The hooks surface accepts our JWTs for either audience, plugin tokens and PATs. */
export const HOOK_AUDIENCES = ["hook", "api"] as const;

/**
 * One governed hook call: authenticate, validate, run the chain, and record the decision durably
 * before answering. Every path records exactly one row; if the row cannot be made durable the
 * answer is a deny (fail closed).
 */
export async function governHook(deps: GovernDeps, input: GovernInput): Promise<GovernOutcome> {
  const event = input.parse.ok ? input.parse.request.event : input.parse.event;
  const auth = await deps.authenticate(input.credentials, HOOK_AUDIENCES);
  if (!auth.ok) {
    return await record(deps, input, { event, principal: undefined, request: undefined }, {
      decision: "deny",
      policy: "authentication",
      reason: auth.message,
      chain: [],
    });
  }
  const principal = auth.principal;
  if (!input.parse.ok) {
    return await record(deps, input, { event, principal, request: undefined }, {
      decision: "deny",
      policy: "invalid_request",
      reason: input.parse.reason,
      chain: [],
    });
  }
  const request = input.parse.request;
  const subject = subjectOf(principal, request);
  const verdict = await evaluateChain(deps.policy.spec, {
    subject,
    target: {
      surface: "hook",
      event: request.event,
      toolName: request.toolName,
      ...(request.prompt !== undefined ? { prompt: request.prompt } : { toolInput: request.toolInput }),
    },
    dryRun: false,
  });
  return await record(deps, input, { event, principal, request }, verdict);
}

export function subjectOf(principal: Principal, request: Pick<HookRequest, "sessionId">): Subject {
  return {
    userId: principal.userId,
    email: principal.email,
    scope: principal.scope === "admin" ? "admin" : "user",
    roles: principal.roles,
    department: principal.department,
    sessionId: request.sessionId ?? principal.sessionId,
  };
}

interface Who {
  readonly event: HookEventName;
  readonly principal: Principal | undefined;
  readonly request: HookRequest | undefined;
}

interface Verdict {
  readonly decision: "allow" | "deny";
  readonly policy: string;
  readonly reason: string | null;
  readonly chain: readonly ChainEntry[];
}

async function record(
  deps: GovernDeps,
  input: GovernInput,
  who: Who,
  verdict: Verdict,
): Promise<GovernOutcome> {
  const row = decisionRecord(deps, input, who, verdict);
  try {
    await deps.audit.append(row);
  } catch (error) {
    deps.log.error("governance.audit_unavailable", { trace_id: input.traceId, error: describeError(error) });
    return {
      event: who.event,
      decision: "deny",
      policy: "unavailable",
      reason: "audit trail unavailable; denied",
    };
  }
  return { event: who.event, decision: verdict.decision, policy: verdict.policy, reason: verdict.reason };
}

function decisionRecord(deps: GovernDeps, input: GovernInput, who: Who, verdict: Verdict): NewDecisionRecord {
  const now = deps.clock.now();
  const p = who.principal;
  const r = who.request;
  const pluginId = input.pluginId ?? p?.pluginId ?? null;
  return {
    id: newUuidV7(now.getTime()) as DecisionId,
    userId: (p?.userId ?? null) as UserId | null,
    sessionId: r?.sessionId ?? p?.sessionId ?? null,
    toolName: r?.toolName ?? null,
    agentId: r?.agentId ?? null,
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
        surface: "hook",
        event: who.event,
        tool_name: r?.toolName ?? null,
        cwd: r?.cwd ?? null,
        tool_use_id: r?.toolUseId ?? null,
      },
      chain: verdict.chain,
      policy_version: deps.policy.version,
    },
    pluginId,
    actorKind: p ? "user" : "anonymous",
    actorId: p?.userId ?? null,
    actChain: p?.actChain ?? [],
    contextId: null,
    taskId: null,
    traceId: input.traceId,
    createdAt: now,
  };
}
