import insertHookEventSql from "@sql/queries/governance/insert_hook_event.sql" with { type: "text" };
import deleteRulesSql from "@sql/queries/governance/delete_access_rules.sql" with { type: "text" };
import insertRuleSql from "@sql/queries/governance/insert_access_rule.sql" with { type: "text" };
import type { Db, Queryable } from "@infra/db/db.ts";
import type { AccessRule } from "./stages/rbac.ts";

export interface HookEvent {
  readonly id: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly eventName: string;
  readonly toolName: string | null;
  readonly toolUseId: string | null;
  readonly pluginId: string | null;
  readonly summary: Readonly<Record<string, unknown>>;
  readonly traceId: string;
  readonly createdAt: Date;
}

/** Stores a tracked hook event once per user, session and tool_use_id; false when it was a repeat. */
export async function insertHookEvent(db: Queryable, e: HookEvent): Promise<boolean> {
  const row = await db.maybeOne(insertHookEventSql, [
    e.id,
    e.userId,
    e.sessionId,
    e.eventName,
    e.toolName,
    e.toolUseId,
    e.pluginId,
    JSON.stringify(e.summary),
    e.traceId,
    e.createdAt,
  ]);
  return row !== undefined;
}

/** Replaces the seeded access rules with those in force (one transaction). */
export async function seedAccessRules(
  db: Db,
  rules: readonly AccessRule[],
  policyVersion: string,
): Promise<void> {
  await db.tx(async (q) => {
    await q.query(deleteRulesSql);
    for (const r of rules) {
      await q.query(insertRuleSql, [r.entity, r.effect, r.users, r.roles, r.departments, policyVersion]);
    }
  });
}
