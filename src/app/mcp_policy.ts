import { auditedToolName } from "@domain/mcp/mod.ts";
import type { AccessRule } from "@domain/governance/mod.ts";
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";

/** The tools the registry declares admin-only, as audited names (the `scope_check` port). */
export function adminOnlyToolNames(servers: readonly McpServerConfig[]): ReadonlySet<string> {
  const names = new Set<string>();
  for (const server of servers) {
    for (const [tool, flags] of Object.entries(server.tools)) {
      if (flags.admin_only) names.add(auditedToolName(server.name, tool));
    }
  }
  return names;
}

/**
 * The `rbac` entity of an MCP tool: `mcp_tool:<server>/<tool>` when access rules name that tool,
 * else the server's `mcp_server:<server>` (so a rule can open or close a whole server).
 */
export function mcpEntity(rules: readonly AccessRule[], server: string, tool: string): string {
  const toolEntity = `mcp_tool:${server}/${tool}`;
  return rules.some((r) => r.entity === toolEntity) ? toolEntity : `mcp_server:${server}`;
}
