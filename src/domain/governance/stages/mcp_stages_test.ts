import assert from "node:assert/strict";
import type { StageInput, Subject } from "../types.ts";
import { createScopeCheck } from "./scope_check.ts";
import { withAdminOnlyTools } from "./admin_only_tools.ts";
import { createToolPinning, type ToolPinState } from "./tool_pinning.ts";

const subject = (scope: "admin" | "user"): Subject => ({
  userId: "u",
  email: "u@example.com",
  scope,
  roles: [scope],
  department: null,
  sessionId: "s",
});
const input = (scope: "admin" | "user", toolName: string, surface: "mcp" | "hook" = "mcp"): StageInput => ({
  subject: subject(scope),
  target: { surface, event: "tools/call", toolName },
  dryRun: false,
});

Deno.test("tool_pinning passes pinned MCP tools, denies quarantined and unknown ones, n/a elsewhere", async () => {
  const states: Record<string, ToolPinState> = { mcp__s__ok: "pinned", mcp__s__changed: "quarantined" };
  const stage = createToolPinning({ status: (name) => Promise.resolve(states[name] ?? "unpinned") });
  assert.equal((await stage.evaluate(input("user", "mcp__s__ok"))).result, "pass");
  assert.deepEqual(await stage.evaluate(input("admin", "mcp__s__changed")), {
    result: "fail",
    reason: "tool mcp__s__changed changed since it was pinned; quarantined until an admin approves it",
  });
  assert.deepEqual(await stage.evaluate(input("user", "mcp__s__ghost")), {
    result: "fail",
    reason: "tool mcp__s__ghost is not in the pinned catalogue",
  });
  assert.equal((await stage.evaluate(input("user", "Bash", "hook"))).result, "n/a");
});

Deno.test("scope_check with admin-only tools denies exactly those names to users, with the §6 text", async () => {
  const stage = withAdminOnlyTools(
    createScopeCheck({ adminOnlyPrefixes: ["mcp__systemprompt__"] }),
    new Set(["mcp__s__reset"]),
  );
  assert.equal(stage.id, "scope_check");
  assert.deepEqual(await stage.evaluate(input("user", "mcp__s__reset")), {
    result: "fail",
    reason: "tool mcp__s__reset requires admin scope",
    detail: "declared admin_only",
  });
  assert.equal(
    (await stage.evaluate(input("user", "mcp__s__reset2"))).result,
    "pass",
    "exact names, not prefixes",
  );
  assert.equal((await stage.evaluate(input("admin", "mcp__s__reset"))).result, "pass");
  assert.equal(
    (await stage.evaluate(input("user", "mcp__systemprompt__x"))).result,
    "fail",
    "prefixes still apply",
  );
});
