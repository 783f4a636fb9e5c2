/**
 * Governance: the policy chain every governed request passes (ARCHITECTURE §6). Stages run in the
 * order of `services/governance/config.yaml`; the first deny wins, later stages record `skip`, and a
 * stage that throws denies with `policy_error`. Pure apart from the rate limiter's SQL.
 *
 * Entry points: `buildPolicy(config, rules, ports)`, `evaluateChain(spec, input)`.
 */
export type {
  ChainEntry,
  Charge,
  Decision,
  FixedPolicy,
  Stage,
  StageId,
  StageInput,
  StageVerdict,
  Subject,
  Surface,
  Target,
} from "./types.ts";
export { STAGE_IDS } from "./types.ts";
export { type ChainSpec, evaluateChain } from "./chain.ts";
export { buildPolicy, type Policy, type PolicyPorts, policyVersion } from "./policy.ts";
export type { SecretFinding, SecretScanPort } from "./stages/secret_scan.ts";
export type { RateCharge, RateLimiter } from "./stages/rate_limit.ts";
export type { BudgetPort, BudgetVerdict } from "./stages/budget.ts";
export type { AccessRule } from "./stages/rbac.ts";
export { ownToolName } from "./stages/tool_blocklist.ts";
export { type HookEvent, insertHookEvent, seedAccessRules } from "./repo.ts";
export { createSqlRateLimiter } from "./rate_limiter_sql.ts";
export { createLeasingRateLimiter, type LeasingRateLimiter, type RateLeaseOptions } from "./rate_lease.ts";
