import type { Stage, Subject } from "../types.ts";

/**
 * Access rules on catalogued entities (`<type>:<name>`, e.g. `hook_tool:Bash`, `mcp_server:github`)
 * for users, roles and departments. Deny overrides allow; when an entity has allow rules, only
 * subjects they match may use it. Claude Code's own tools have no catalogue: with no rule for
 * `hook_tool:<name>` the stage records `n/a`.
 */
export interface AccessRule {
  readonly entity: string;
  readonly effect: "allow" | "deny";
  readonly users: readonly string[];
  readonly roles: readonly string[];
  readonly departments: readonly string[];
}

export function matchesSubject(rule: AccessRule, subject: Subject): boolean {
  const everyone = rule.users.length === 0 && rule.roles.length === 0 && rule.departments.length === 0;
  return everyone ||
    rule.users.includes(subject.userId) ||
    rule.users.some((u) => u.toLowerCase() === subject.email.toLowerCase()) ||
    rule.roles.some((r) => subject.roles.includes(r)) ||
    (subject.department !== null && rule.departments.includes(subject.department));
}

export function entityFor(surface: string, toolName: string): string | undefined {
  if (surface === "hook" && !toolName.startsWith("mcp__")) return `hook_tool:${toolName}`;
  return undefined;
}

export function createRbac(rules: readonly AccessRule[]): Stage {
  const byEntity = new Map<string, AccessRule[]>();
  for (const rule of rules) byEntity.set(rule.entity, [...(byEntity.get(rule.entity) ?? []), rule]);
  return {
    id: "rbac",
    evaluate: ({ subject, target }) => {
      const entity = target.entity ?? entityFor(target.surface, target.toolName);
      if (!entity) return { result: "n/a", detail: "no catalogue for this target yet" };
      const applicable = byEntity.get(entity);
      if (!applicable) return { result: "n/a", detail: `no rules for ${entity}` };
      const matching = applicable.filter((r) => matchesSubject(r, subject));
      if (matching.some((r) => r.effect === "deny")) {
        return { result: "fail", reason: `access to ${entity} denied by rule` };
      }
      const allowRules = applicable.filter((r) => r.effect === "allow");
      if (allowRules.length > 0 && !matching.some((r) => r.effect === "allow")) {
        return { result: "fail", reason: `access to ${entity} not granted to this user` };
      }
      return { result: "pass", detail: `${entity} allowed` };
    },
  };
}
