import assert from "node:assert/strict";
import type { StageInput, Subject, Target } from "../types.ts";
import { createRbac } from "./rbac.ts";
import { createScopeCheck } from "./scope_check.ts";
import { createSecretScan } from "./secret_scan.ts";
import { createToolBlocklist, ownToolName } from "./tool_blocklist.ts";

const user: Subject = {
  userId: "u1",
  email: "Bob@x.io",
  scope: "user",
  roles: ["user"],
  department: "finance",
  sessionId: "s",
};
const admin: Subject = {
  ...user,
  email: "root@x.io",
  scope: "admin",
  roles: ["admin", "user"],
  department: null,
};
const call = (subject: Subject, toolName: string, extra: Partial<Target> = {}): StageInput => ({
  subject,
  target: { surface: "hook", event: "PreToolUse", toolName, toolInput: {}, ...extra },
  dryRun: false,
});

Deno.test("scope_check denies admin-only prefixes to non-admins with the pinned text", async () => {
  const stage = createScopeCheck({ adminOnlyPrefixes: ["mcp__systemprompt__"] });
  assert.deepEqual(await stage.evaluate(call(user, "mcp__systemprompt__list_agents")), {
    result: "fail",
    reason: "tool mcp__systemprompt__list_agents requires admin scope",
    detail: "prefix mcp__systemprompt__ is admin-only",
  });
  assert.equal((await stage.evaluate(call(admin, "mcp__systemprompt__list_agents"))).result, "pass");
  assert.equal((await stage.evaluate(call(user, "Read"))).result, "pass");
});

Deno.test("tool_blocklist matches the tool's own name case-insensitively, admins exempt", async () => {
  const stage = createToolBlocklist({ words: ["delete", "drop", "destroy"] });
  assert.equal(ownToolName("mcp__db__drop_table"), "drop_table");
  assert.equal(ownToolName("Bash"), "Bash");
  assert.deepEqual(await stage.evaluate(call(user, "delete_records")), {
    result: "fail",
    reason: "tool delete_records blocked by list delete",
  });
  assert.equal((await stage.evaluate(call(user, "mcp__DeleteServer__read"))).result, "pass");
  assert.equal((await stage.evaluate(call(user, "mcp__x__DROP_it"))).result, "fail");
  assert.equal((await stage.evaluate(call(admin, "delete_records"))).result, "pass");
});

Deno.test("rbac is n/a without rules, deny overrides allow, allow lists restrict", async () => {
  const stage = createRbac([
    { entity: "hook_tool:WebFetch", effect: "deny", users: [], roles: [], departments: ["finance"] },
    { entity: "hook_tool:Bash", effect: "allow", users: ["bob@x.io"], roles: [], departments: [] },
    { entity: "hook_tool:Bash", effect: "deny", users: [], roles: ["contractor"], departments: [] },
  ]);
  assert.equal((await stage.evaluate(call(user, "Read"))).result, "n/a");
  assert.equal((await stage.evaluate(call(user, "mcp__github__x"))).result, "n/a");
  assert.equal((await stage.evaluate(call(user, "WebFetch"))).result, "fail");
  assert.equal((await stage.evaluate(call(admin, "WebFetch"))).result, "pass");
  assert.equal((await stage.evaluate(call(user, "Bash"))).result, "pass");
  assert.equal((await stage.evaluate(call(admin, "Bash"))).result, "fail");
  assert.equal((await stage.evaluate(call({ ...user, roles: ["contractor"] }, "Bash"))).result, "fail");
});

Deno.test("secret_scan names the first finding with its path and counts the rest", async () => {
  const finding = (path: string) => ({
    name: "AWS Access Key",
    path,
    preview: "AKIAIO...[REDACTED]",
    detectorId: "aws",
    confidence: "high",
  });
  const stage = createSecretScan({
    scanJson: () => ({ findings: [finding("command"), finding("env.KEY")], hiddenCharacters: false }),
    scanText: (_t, path) => ({ findings: [finding(path)], hiddenCharacters: true }),
  });
  const tool = await stage.evaluate(call(user, "Bash"));
  assert.equal(tool.result, "fail");
  assert.equal(
    tool.result === "fail" && tool.reason,
    "secret detected: AWS Access Key at tool_input.command (AKIAIO...[REDACTED]) (+1 more)",
  );
  const prompt = await stage.evaluate(call(user, "user_prompt", { prompt: "x" }));
  assert.equal(
    prompt.result === "fail" && prompt.reason,
    "secret detected: AWS Access Key at prompt.text (AKIAIO...[REDACTED])",
  );
  const clean = createSecretScan({
    scanJson: () => ({ findings: [], hiddenCharacters: true }),
    scanText: () => ({ findings: [], hiddenCharacters: false }),
  });
  assert.deepEqual(await clean.evaluate(call(user, "Read")), {
    result: "pass",
    detail: "hidden characters removed before scanning",
  });
});

Deno.test("secret_scan denies what the scanner could not read, with policy unscannable", async () => {
  const stage = createSecretScan({
    scanJson: () => ({ findings: [], hiddenCharacters: false, truncated: true }),
    scanText: () => ({ findings: [], hiddenCharacters: false }),
  });
  const verdict = await stage.evaluate(call(user, "Write"));
  assert.equal(verdict.result, "fail");
  assert.equal(verdict.result === "fail" && verdict.policy, "unscannable");
});
