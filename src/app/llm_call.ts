import type { ScanOptions } from "@domain/scanner/mod.ts";
import { decide, type DecideDeps, type Outcome, type Verdict } from "./govern.ts";
import {
  bindBudgets,
  type CallerWire,
  type Candidate,
  type Dialect,
  estimateMicros,
  exposureDenial,
  type Json,
  type LlmRequest,
  maxTokensFor,
  parseAnthropicRequest,
  parseGeminiRequest,
  parseOpenAiRequest,
  PROMPT_MAX_DEPTH,
  type ResolvedRoute,
  resolveRoute,
  routePrompt,
} from "@domain/llm/mod.ts";
import { AppError, isAppError } from "@shared/errors.ts";
import { newUuidV7, type TraceId } from "@shared/ids.ts";
import type { Secret } from "@shared/secret.ts";
import type { ProviderKeySource } from "./llm_keys.ts";
import { type CallFacts, finishCall, type RecordDeps } from "./llm_record.ts";
import { executeCall, type LlmReply } from "./llm_execute.ts";
import type { LlmRuntime } from "./llm_runtime.ts";
import { apiKeyPrefix, type GatewayCaller } from "./llm_sessions.ts";
import { redactDetected } from "./mcp_redact.ts";
import { createKnownSecrets, type KnownSecrets } from "./vault_resolve.ts";

/**
 * One governed `/v1` call: parse the caller's dialect, route the model (404 when unknown), then
 * `decide` on every string the upstream would see (surface `llm`, tool `llm:<model>`, entity
 * `gateway_route:<id>`, a cost charge for the `budget` stage) with exactly one decision row, and
 * only then call the upstream. Exposure rules and a provider key nobody can supply are preset
 * denies (`rbac`, `vault`). Every outcome ends in an `ai_requests` row and a settled reservation.
 */
export interface LlmCallDeps extends DecideDeps, RecordDeps {
  readonly runtime: LlmRuntime;
  readonly keys: ProviderKeySource;
  /** The deployment's scan options for egress (fingerprint key, `extra_patterns`). */
  readonly egressScan: ScanOptions;
  readonly fetch: typeof fetch;
}

export interface LlmCallInput {
  readonly caller: GatewayCaller;
  readonly dialect: Dialect;
  readonly body: Json;
  /** Gemini puts the model and the streaming choice in the URL. */
  readonly gemini?: { readonly model: string; readonly stream: boolean };
  readonly anthropicVersion: string | undefined;
  readonly anthropicBeta: string | undefined;
  readonly traceId: TraceId;
  readonly signal: AbortSignal;
}

export type { LlmReply } from "./llm_execute.ts";

const EVENTS: Record<Dialect, string> = {
  anthropic: "messages",
  openai: "chat.completions",
  gemini: "generateContent",
};

export async function serveLlmCall(deps: LlmCallDeps, input: LlmCallInput): Promise<LlmReply> {
  const prepared = prepareCall(deps, input);
  const preset = await presetVerdict(deps, input.caller, prepared);
  // A preset deny skips the chain, so nothing was reserved and there is nothing to settle.
  const call = preset ? { ...prepared, facts: { ...prepared.facts, reserved: false } } : prepared;
  const outcome = await decide(deps, governedCall(call, input), preset);
  if (outcome.decision === "deny") {
    finishCall(deps, call.facts, {
      status: "denied",
      candidate: call.route.candidates[0],
      decisionId: outcome.decisionId,
    });
    throw deniedError(outcome);
  }
  return await executeCall(deps, { ...call, decisionId: outcome.decisionId, signal: input.signal });
}

interface PreparedCall {
  readonly request: LlmRequest;
  readonly route: ResolvedRoute;
  readonly wire: CallerWire;
  readonly facts: CallFacts;
  readonly keyOf: (candidate: Candidate) => Promise<Secret | undefined>;
  readonly known: KnownSecrets;
  readonly knownKeys: Secret[];
  /** Every string the route's upstreams would see. */
  readonly prompt: string;
  /** Part of the body lies too deep to read (`readPrompt`): the call cannot be vouched for. */
  readonly promptCut: boolean;
  readonly estimateMicros: number;
}

/** Parse, route (404 when unknown), and work out what governance needs to see. */
function prepareCall(deps: LlmCallDeps, input: LlmCallInput): PreparedCall {
  const startedAt = performance.now();
  const request = parseCallerRequest(input);
  // The caller's model name names the audit and cost rows: a secret typed into it is redacted there.
  const shownModel = redactDetected(request.model, deps.egressScan);
  const route = resolveRoute(deps.runtime.table, request.model);
  if (!route) {
    throw new AppError("llm.model_not_found", `model ${shownModel} is not available on this gateway`);
  }
  const known = createKnownSecrets();
  const knownKeys: Secret[] = [];
  const wire: CallerWire = {
    dialect: input.dialect,
    raw: input.body,
    anthropicVersion: input.anthropicVersion,
    anthropicBeta: input.anthropicBeta,
  };
  const primary = route.candidates[0];
  const { text: prompt, cut: promptCut, primaryChars } = routePrompt(request, route.candidates, wire);
  const facts: CallFacts = {
    principal: input.caller.principal,
    sessionId: input.caller.sessionId,
    requestedModel: shownModel,
    routeId: route.routeId,
    dialect: input.dialect,
    stream: request.stream === true,
    traceId: input.traceId,
    reservationId: newUuidV7(deps.clock.now().getTime()),
    reserved: bindsBudget(deps.runtime.policies, input.caller.principal),
    startedAt,
  };
  const estimate = estimateMicros(primaryChars, maxTokensFor(request, primary), primary.model?.pricing);
  const keyOf = keyResolver(deps.keys, input.caller, known, knownKeys);
  return {
    request,
    route,
    wire,
    facts,
    keyOf,
    known,
    knownKeys,
    prompt,
    promptCut,
    estimateMicros: estimate,
  };
}

/** The decision's target: surface `llm`, tool `llm:<model>`, entity `gateway_route:<id>`, a charge. */
function governedCall(call: PreparedCall, input: LlmCallInput) {
  const { principal, sessionId } = input.caller;
  const primary = call.route.candidates[0];
  return {
    principal,
    target: {
      surface: "llm" as const,
      event: EVENTS[input.dialect],
      toolName: `llm:${call.facts.requestedModel}`,
      prompt: call.prompt,
      entity: `gateway_route:${call.route.routeId}`,
      charge: {
        reservationId: call.facts.reservationId,
        estimateMicros: call.estimateMicros,
        agentId: principal.agentId,
        apiKey: apiKeyPrefix(principal),
      },
    },
    sessionId,
    traceId: input.traceId,
    targetDetail: {
      model: call.facts.requestedModel,
      route: call.route.routeId,
      provider: primary.provider.name,
      estimate_micros: call.estimateMicros,
    },
  };
}

/** Whether the budget stage will reserve for this caller (same policies and caller as llm_budget.ts). */
function bindsBudget(policies: LlmRuntime["policies"], principal: GatewayCaller["principal"]): boolean {
  const caller = {
    userId: principal.userId,
    email: principal.email,
    roles: principal.roles,
    department: principal.department,
    agentId: principal.agentId,
    apiKey: apiKeyPrefix(principal),
  };
  return policies.budgets.length > 0 && bindBudgets(policies, caller).length > 0;
}

function parseCallerRequest(input: LlmCallInput): LlmRequest {
  switch (input.dialect) {
    case "anthropic":
      return parseAnthropicRequest(input.body);
    case "openai":
      return parseOpenAiRequest(input.body);
    case "gemini":
      return parseGeminiRequest(input.body, input.gemini?.model ?? "", input.gemini?.stream ?? false);
    default: {
      const never: never = input.dialect;
      return never;
    }
  }
}

/** Memoised per call: each provider key is read from the vault at most once and registered as known. */
function keyResolver(
  keys: ProviderKeySource,
  caller: GatewayCaller,
  known: KnownSecrets,
  knownKeys: Secret[],
): (candidate: Candidate) => Promise<Secret | undefined> {
  const cache = new Map<string, Promise<Secret | undefined>>();
  return (candidate) => {
    const name = candidate.provider.apiKeySecret;
    if (name === undefined) return Promise.resolve(undefined);
    let pending = cache.get(name);
    if (!pending) {
      pending = keys.resolve(name, caller.principal, known).then((secret) => {
        knownKeys.push(secret);
        return secret;
      });
      cache.set(name, pending);
    }
    return pending;
  };
}

/** The secret scanner reads at most this much text per call; a longer prompt cannot be vouched for. */
const SCANNABLE_CHARS = 1024 * 1024;

/**
 * Denies decided before the chain: a prompt too large or too deeply nested to scan (`unscannable`,
 * fail closed), a model the caller's exposure rules hide (`rbac`), no provider key for any upstream
 * of the route (`vault`).
 */
async function presetVerdict(
  deps: LlmCallDeps,
  caller: GatewayCaller,
  call: PreparedCall,
): Promise<Verdict | undefined> {
  if (call.prompt.length > SCANNABLE_CHARS) {
    const reason = `prompt too large to scan (${call.prompt.length} characters; at most ${SCANNABLE_CHARS})`;
    return { decision: "deny", policy: "unscannable", reason, chain: [] };
  }
  if (call.promptCut) {
    const reason = `request nested too deeply to scan (more than ${PROMPT_MAX_DEPTH} levels)`;
    return { decision: "deny", policy: "unscannable", reason, chain: [] };
  }
  const rules = deps.runtime.policies.exposure;
  const exposure = exposureDenial(rules, call.request.model, caller.principal) ??
    exposureDenial(rules, call.route.candidates[0].upstreamModel, caller.principal);
  if (exposure) {
    const chain = [{ policy_id: "rbac" as const, result: "fail" as const, detail: exposure, duration_ms: 0 }];
    return { decision: "deny", policy: "rbac", reason: exposure, chain };
  }
  let firstError: unknown;
  for (const candidate of call.route.candidates) {
    try {
      await call.keyOf(candidate);
      return undefined;
    } catch (error) {
      firstError ??= error;
    }
  }
  if (isAppError(firstError) && firstError.code.startsWith("vault.")) {
    return { decision: "deny", policy: "vault", reason: firstError.message, chain: [] };
  }
  throw firstError;
}

/** A deny in the caller's dialect: 429 + retry-after for quotas, budgets and rate limits, else 403. */
function deniedError(outcome: Outcome): AppError {
  if (outcome.policy === "unavailable") {
    return new AppError("service.unavailable", "governance is unavailable; the call was not made");
  }
  const message = `[GOVERNANCE] ${outcome.reason ?? outcome.policy}`;
  if (outcome.policy === "budget" || outcome.policy === "rate_limit") {
    const match = /retry after (\d+)(ms|s)\b/.exec(outcome.reason ?? "");
    const seconds = match ? Math.max(1, Math.ceil(Number(match[1]) / (match[2] === "ms" ? 1000 : 1))) : 60;
    return new AppError("llm.limited", message, {
      data: { retry_after_seconds: seconds, policy: outcome.policy },
    });
  }
  return new AppError("llm.denied", message, { data: { policy: outcome.policy } });
}
