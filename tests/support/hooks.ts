import assert from "node:assert/strict";
import { mintSessionToken } from "@app/setup.ts";
import type { User } from "@domain/identity/mod.ts";
import { newUserId } from "@shared/ids.ts";
import type { TestApp } from "./test_app.ts";

/** Helpers for the hooks suites: a governed call, a user-role account, and audit rows. */
export interface HookAnswer {
  readonly decision?: string;
  readonly reason?: string;
  readonly hookSpecificOutput: {
    readonly hookEventName: string;
    readonly permissionDecision: "allow" | "deny";
    readonly permissionDecisionReason?: string;
  };
}

export async function govern(
  t: Pick<TestApp, "app">,
  body: unknown,
  options: { token?: string; raw?: string | Uint8Array<ArrayBuffer>; traceId?: string } = {},
): Promise<{ status: number; answer: HookAnswer; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token) headers["authorization"] = `Bearer ${options.token}`;
  if (options.traceId) headers["x-trace-id"] = options.traceId;
  const response = await t.app.request("/api/public/hooks/govern", {
    method: "POST",
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, answer: JSON.parse(text) as HookAnswer, text };
}

export function preToolUse(toolName: string, toolInput: unknown, extra: Record<string, unknown> = {}) {
  return { hook_event_name: "PreToolUse", tool_name: toolName, tool_input: toolInput, ...extra };
}

export async function createUserWithToken(
  t: TestApp,
  email: string,
  roles: string[] = ["user"],
): Promise<{ user: User; token: string }> {
  const user = await t.ctx.users.insert({
    id: newUserId(),
    name: email.split("@")[0]!,
    email,
    roles,
    department: null,
    createdAt: new Date(),
  });
  assert.ok(user, "user inserted");
  const token = await mintSessionToken(t.ctx, user, { ttlSeconds: 3600, clientId: "test", kind: "cli" });
  return { user, token };
}

export interface AuditRow {
  readonly seq: number;
  readonly decision: string;
  readonly policy: string;
  readonly reason: string | null;
  readonly agent_scope: string;
  readonly agent_id: string | null;
  readonly tool_name: string | null;
  readonly trace_id: string;
  readonly session_id: string | null;
  readonly evaluated_rules: {
    readonly chain: readonly {
      policy_id: string;
      result: string;
      detail: string | null;
      duration_ms: number;
    }[];
    readonly policy_version: string;
  };
}

export async function auditRows(t: TestApp): Promise<AuditRow[]> {
  return await t.ctx.db.many<AuditRow>(
    `select seq, decision, policy, reason, agent_scope, agent_id, tool_name, trace_id, session_id, evaluated_rules
     from governance_decisions order by seq`,
  );
}
