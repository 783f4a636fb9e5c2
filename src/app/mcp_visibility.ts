import { evaluateChain, type Policy, type StageId } from "@domain/governance/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import { auditedToolName } from "@domain/mcp/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import { subjectOf } from "./govern.ts";
import type { Catalog } from "./mcp_catalog.ts";
import { mcpEntity } from "./mcp_policy.ts";
import type { Tool } from "./mcp_types.ts";

/**
 * `tools/list` shows what the caller may call: the identity-only stages of the chain in force
 * (`scope_check` with admin-only tools, `tool_blocklist`, `rbac`) evaluated as a what-if, minus
 * disabled tools and quarantined ones (hidden from admins too). No decision row is written.
 */
const VISIBILITY_STAGES: ReadonlySet<StageId> = new Set(["scope_check", "tool_blocklist", "rbac"]);

export async function visibleTools(
  policy: Policy,
  principal: Principal,
  server: McpServerConfig,
  catalog: Catalog,
): Promise<Tool[]> {
  const visible: Tool[] = [];
  for (const tool of catalog.tools) {
    if (server.tools[tool.name]?.disabled) continue;
    if (catalog.statuses.get(tool.name) !== "pinned") continue;
    if (await mayList(policy, principal, server, tool.name, "tools/list")) visible.push(tool);
  }
  return visible;
}

/**
 * Whether a listing shows one item (a tool, or a resource or prompt by its own name,
 * `resource:<uri>` / `prompt:<name>`) to the caller: the identity-only stages as a what-if.
 */
export async function mayList(
  policy: Policy,
  principal: Principal,
  server: McpServerConfig,
  own: string,
  event: string,
): Promise<boolean> {
  const spec = {
    enabled: policy.spec.enabled,
    stages: policy.spec.stages.filter((s) => VISIBILITY_STAGES.has(s.id)),
    disabled: policy.spec.disabled,
  };
  const decision = await evaluateChain(spec, {
    subject: subjectOf(principal, undefined),
    target: {
      surface: "mcp",
      event,
      toolName: auditedToolName(server.name, own),
      entity: mcpEntity(policy.rules, server.name, own),
    },
    dryRun: true,
  });
  return decision.decision === "allow";
}
