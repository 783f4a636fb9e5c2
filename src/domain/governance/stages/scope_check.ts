import type { Stage } from "../types.ts";

export interface ScopeCheckSettings {
  readonly adminOnlyPrefixes: readonly string[];
}

/** Admin scope passes; a tool under an admin-only prefix is denied to everyone else. */
export function createScopeCheck(settings: ScopeCheckSettings): Stage {
  return {
    id: "scope_check",
    evaluate: ({ subject, target }) => {
      if (subject.scope === "admin") return { result: "pass", detail: "admin scope" };
      const prefix = settings.adminOnlyPrefixes.find((p) => target.toolName.startsWith(p));
      if (!prefix) return { result: "pass" };
      return {
        result: "fail",
        reason: `tool ${target.toolName} requires admin scope`,
        detail: `prefix ${prefix} is admin-only`,
      };
    },
  };
}
