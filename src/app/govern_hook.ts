import type { Target } from "@domain/governance/mod.ts";
import type { TraceId } from "@shared/ids.ts";
import type { AuthVerdict, Credentials } from "./authenticate.ts";
import { decide, type DecideDeps } from "./govern.ts";
import type { HookEventName, HookParse } from "./hook_request.ts";

export interface GovernDeps extends DecideDeps {
  readonly authenticate: (credentials: Credentials, audiences: readonly string[]) => Promise<AuthVerdict>;
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
 * One governed Claude Code hook call: authenticate, validate, then `decide` (chain + durable
 * audit row). Every path records exactly one row.
 */
export async function governHook(deps: GovernDeps, input: GovernInput): Promise<GovernOutcome> {
  const parse = input.parse;
  const event = parse.ok ? parse.request.event : parse.event;
  const auth = await deps.authenticate(input.credentials, HOOK_AUDIENCES);
  const request = parse.ok ? parse.request : undefined;
  const target: Target = request
    ? {
      surface: "hook",
      event,
      toolName: request.toolName,
      ...(request.prompt !== undefined ? { prompt: request.prompt } : { toolInput: request.toolInput }),
    }
    : { surface: "hook", event, toolName: "" };
  const call = {
    principal: auth.ok ? auth.principal : undefined,
    target,
    sessionId: request?.sessionId,
    agentId: request?.agentId,
    pluginId: input.pluginId,
    traceId: input.traceId,
    targetDetail: { cwd: request?.cwd ?? null, tool_use_id: request?.toolUseId ?? null },
  };
  const preset = !auth.ok
    ? { decision: "deny" as const, policy: "authentication", reason: auth.message, chain: [] }
    : !parse.ok
    ? { decision: "deny" as const, policy: "invalid_request", reason: parse.reason, chain: [] }
    : undefined;
  const outcome = await decide(deps, call, preset);
  return { event, decision: outcome.decision, policy: outcome.policy, reason: outcome.reason };
}
