import type {
  BudgetPolicy,
  ExposureRule,
  GatewayPolicies,
  QuotaPolicy,
} from "@infra/config/gateway_policies_schema.ts";
import { matchesPattern } from "./routing.ts";

/**
 * `services/gateway/policies.yaml` applied to one caller: which budgets and quotas bind them (each
 * under its own subject key), and whether a model is exposed to them.
 */
export interface Caller {
  readonly userId: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly department: string | null;
  readonly agentId: string | null;
  /** The PAT prefix when the call came with one. */
  readonly apiKey: string | null;
}

export interface BoundBudget {
  readonly name: string;
  /** `user:<id>`, `department:<name>`, `organization`, `agent:<id>`, `api_key:<prefix>`. */
  readonly key: string;
  readonly label: string;
  readonly window: "day" | "month";
  readonly limitMicros: number;
  readonly enforce: boolean;
}

export interface BoundQuota {
  readonly name: string;
  readonly key: string;
  readonly label: string;
  readonly windowSeconds: number;
  readonly maxRequests: number;
}

type Scoped = Pick<BudgetPolicy | QuotaPolicy, "scope" | "subject">;

/** The subject key a policy binds this caller under, or undefined when it does not apply. */
export function subjectKey(policy: Scoped, caller: Caller): { key: string; label: string } | undefined {
  const any = policy.subject === "*";
  switch (policy.scope) {
    case "user":
      return any || policy.subject === caller.userId ||
          policy.subject.toLowerCase() === caller.email.toLowerCase()
        ? { key: `user:${caller.userId}`, label: `user ${caller.email}` }
        : undefined;
    case "department":
      return caller.department !== null && (any || policy.subject === caller.department)
        ? { key: `department:${caller.department}`, label: `department ${caller.department}` }
        : undefined;
    case "organization":
      return { key: "organization", label: "organization" };
    case "agent":
      return caller.agentId !== null && (any || policy.subject === caller.agentId)
        ? { key: `agent:${caller.agentId}`, label: `agent ${caller.agentId}` }
        : undefined;
    case "api_key": {
      const bare = policy.subject.replace(/^sp-live-/, "");
      return caller.apiKey !== null && (any || bare === caller.apiKey)
        ? { key: `api_key:${caller.apiKey}`, label: `api key ${caller.apiKey}` }
        : undefined;
    }
    default: {
      const never: never = policy.scope;
      return never;
    }
  }
}

export function bindBudgets(policies: GatewayPolicies, caller: Caller): BoundBudget[] {
  return policies.budgets.flatMap((b) => {
    const bound = subjectKey(b, caller);
    if (!bound) return [];
    return [{
      name: b.name,
      ...bound,
      window: b.window,
      limitMicros: Math.round(b.limit_usd * 1e6),
      enforce: b.mode === "enforce",
    }];
  });
}

export function bindQuotas(policies: GatewayPolicies, caller: Caller): BoundQuota[] {
  return policies.quotas.flatMap((q) => {
    const bound = subjectKey(q, caller);
    return bound
      ? [{ name: q.name, ...bound, windowSeconds: q.window_seconds, maxRequests: q.max_requests }]
      : [];
  });
}

/** A model matched by an exposure rule is open only to the roles, users and departments it names. */
export function exposureDenial(
  rules: readonly ExposureRule[],
  model: string,
  caller: Pick<Caller, "userId" | "email" | "roles" | "department">,
): string | undefined {
  for (const rule of rules) {
    const pattern = rule.models.find((p) => matchesPattern(p, model));
    if (pattern === undefined) continue;
    const allowed = rule.allow_roles.some((r) => caller.roles.includes(r)) ||
      rule.allow_users.some((u) => u === caller.userId || u.toLowerCase() === caller.email.toLowerCase()) ||
      (caller.department !== null && rule.allow_departments.includes(caller.department));
    if (!allowed) return `model ${model} is not exposed to this user (exposure ${pattern})`;
  }
  return undefined;
}
