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
  const spec = {
    enabled: policy.spec.enabled,
    stages: policy.spec.stages.filter((s) => VISIBILITY_STAGES.has(s.id)),
    disabled: policy.spec.disabled,
  };
  const subject = subjectOf(principal, undefined);
  const visible: Tool[] = [];
  for (const tool of catalog.tools) {
    if (server.tools[tool.name]?.disabled) continue;
    if (catalog.statuses.get(tool.name) !== "pinned") continue;
    const decision = await evaluateChain(spec, {
      subject,
      target: {
        surface: "mcp",
        event: "tools/list",
        toolName: auditedToolName(server.name, tool.name),
        entity: mcpEntity(policy.rules, server.name, tool.name),
      },
      dryRun: true,
    });
    if (decision.decision === "allow") visible.push(tool);
  }
  return visible;
}
