import { join } from "node:path";
import { z } from "zod";
import type { ProblemList } from "./config_error.ts";
import { validate } from "./zod_problems.ts";

/**
 * `services/gateway/policies.yaml` (ISSUE 7): LLM budgets over calendar windows in UTC, request
 * quotas over rolling windows, and model exposure by role. `subject` is a name or `*` (each one).
 */
const NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const name = z.string().regex(NAME, "lowercase letters, digits, ., - and _");
const names = z.array(z.string().min(1)).default([]);
const scope = z.enum(["user", "department", "organization", "agent", "api_key"]);
const uniqueNames = (list: readonly { name: string }[]) =>
  new Set(list.map((x) => x.name)).size === list.length;

const gatewayPoliciesSchema = z.strictObject({
  budgets: z.array(z.strictObject({
    name,
    scope,
    subject: z.string().min(1).default("*"),
    window: z.enum(["day", "month"]),
    limit_usd: z.number().nonnegative().max(1e9),
    mode: z.enum(["enforce", "shadow"]).default("enforce"),
  })).default([]).refine(uniqueNames, "budget names must be unique"),
  quotas: z.array(z.strictObject({
    name,
    scope,
    subject: z.string().min(1).default("*"),
    window_seconds: z.number().int().positive().max(86_400),
    max_requests: z.number().int().positive(),
  })).default([]).refine(uniqueNames, "quota names must be unique"),
  exposure: z.array(z.strictObject({
    models: z.array(z.string().min(1)).min(1),
    allow_roles: names,
    allow_users: names,
    allow_departments: names,
  })).default([]),
});

export type GatewayPolicies = z.infer<typeof gatewayPoliciesSchema>;
export type BudgetPolicy = GatewayPolicies["budgets"][number];
export type QuotaPolicy = GatewayPolicies["quotas"][number];
export type ExposureRule = GatewayPolicies["exposure"][number];

export function loadGatewayPolicies(
  dir: string,
  documents: ReadonlyMap<string, unknown>,
  problems: ProblemList,
): GatewayPolicies {
  const file = "gateway/policies.yaml";
  return validate(gatewayPoliciesSchema, documents.get(file) ?? {}, join(dir, file), problems) ??
    gatewayPoliciesSchema.parse({});
}

export function emptyGatewayPolicies(): GatewayPolicies {
  return gatewayPoliciesSchema.parse({});
}
