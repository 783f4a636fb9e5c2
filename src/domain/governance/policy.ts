import { createHash } from "node:crypto";
import type { AccessControlConfig, GovernanceConfig } from "@infra/config/services.ts";
import type { ChainSpec } from "./chain.ts";
import { type BudgetPort, createBudget } from "./stages/budget.ts";
import { createNotApplicable } from "./stages/not_applicable.ts";
import { type AccessRule, createRbac } from "./stages/rbac.ts";
import { createRateLimit, type RateLimiter } from "./stages/rate_limit.ts";
import { createScopeCheck } from "./stages/scope_check.ts";
import { createSecretScan, type SecretScanPort } from "./stages/secret_scan.ts";
import { createToolBlocklist } from "./stages/tool_blocklist.ts";
import { createToolPinning, type ToolPinPort } from "./stages/tool_pinning.ts";
import { withAdminOnlyTools } from "./stages/admin_only_tools.ts";
import type { Stage, StageId } from "./types.ts";

export interface PolicyPorts {
  readonly scanner: SecretScanPort;
  readonly rateLimiter: RateLimiter;
  /** Budgets and quotas for costed targets (the LLM gateway); without it `budget` records `n/a`. */
  readonly budget?: BudgetPort;
  /** Pin states of MCP tools; without it `tool_pinning` records `n/a`. */
  readonly toolPins?: ToolPinPort;
  /** Exact audited tool names declared admin-only (MCP `tools.<name>.admin_only`). */
  readonly adminOnlyTools?: ReadonlySet<string>;
}

export interface Policy {
  readonly spec: ChainSpec;
  /** SHA-256 of the governance config and access rules in force; recorded with every decision. */
  readonly version: string;
  readonly rules: readonly AccessRule[];
}

/** Builds the chain from `services/governance/config.yaml` (file order) and the access rules. */
export function buildPolicy(
  governance: GovernanceConfig,
  access: AccessControlConfig,
  ports: PolicyPorts,
): Policy {
  const s = governance.stages;
  const rules: AccessRule[] = access.rules.map((r) => ({ ...r }));
  const factories: Record<StageId, () => Stage> = {
    secret_scan: () =>
      createSecretScan(ports.scanner, {
        lowConfidence: s.secret_scan.low_confidence,
        detectors: s.secret_scan.detectors,
      }),
    scope_check: () =>
      withAdminOnlyTools(
        createScopeCheck({ adminOnlyPrefixes: s.scope_check.admin_only_prefixes }),
        ports.adminOnlyTools ?? new Set(),
      ),
    tool_blocklist: () => createToolBlocklist({ words: s.tool_blocklist.words }),
    rbac: () => createRbac(rules),
    tool_pinning: () =>
      ports.toolPins
        ? createToolPinning(ports.toolPins)
        : createNotApplicable("tool_pinning", "no pinned upstream catalogue for this target"),
    budget: () => createBudget(ports.budget),
    rate_limit: () =>
      createRateLimit(ports.rateLimiter, {
        calls: s.rate_limit.calls,
        windowSeconds: s.rate_limit.window_seconds,
      }),
  };
  const disabled = new Set(governance.chain.filter((id) => !s[id].enabled));
  return {
    spec: { enabled: governance.enabled, stages: governance.chain.map((id) => factories[id]()), disabled },
    version: policyVersion(governance, rules),
    rules,
  };
}

export function policyVersion(governance: GovernanceConfig, rules: readonly AccessRule[]): string {
  const canonical = canonicalJson({ governance, rules });
  return `sha256:${createHash("sha256").update(canonical).digest("hex").slice(0, 16)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
