import type { Stage } from "../types.ts";

/**
 * Extends `scope_check` with exact tool names declared admin-only outside the prefix list (an MCP
 * server's `tools: {<tool>: {admin_only: true}}`, as `mcp__<server>__<tool>`). Same id, same deny
 * text; the prefix rule still applies to every other name.
 */
export function withAdminOnlyTools(scopeCheck: Stage, names: ReadonlySet<string>): Stage {
  if (names.size === 0) return scopeCheck;
  return {
    id: scopeCheck.id,
    evaluate: (input) => {
      const { subject, target } = input;
      if (subject.scope !== "admin" && names.has(target.toolName)) {
        return {
          result: "fail",
          reason: `tool ${target.toolName} requires admin scope`,
          detail: "declared admin_only",
        };
      }
      return scopeCheck.evaluate(input);
    },
  };
}
