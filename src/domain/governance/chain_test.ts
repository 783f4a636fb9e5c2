import assert from "node:assert/strict";
import { evaluateChain } from "./chain.ts";
import type { Stage, StageId, StageInput, StageVerdict } from "./types.ts";

const input: StageInput = {
  subject: { userId: "u1", email: "u@x", scope: "user", roles: ["user"], department: null, sessionId: "s1" },
  target: { surface: "hook", event: "PreToolUse", toolName: "Read", toolInput: {} },
  dryRun: false,
};

function stage(id: StageId, verdict: StageVerdict | Error, calls: StageId[] = []): Stage {
  return {
    id,
    evaluate: () => {
      calls.push(id);
      if (verdict instanceof Error) throw verdict;
      return verdict;
    },
  };
}

Deno.test("evaluateChain() allows with default_allow when every stage passes, in order", async () => {
  const d = await evaluateChain({
    enabled: true,
    disabled: new Set(),
    stages: [stage("secret_scan", { result: "pass" }), stage("rbac", { result: "n/a", detail: "none" })],
  }, input);
  assert.equal(d.decision, "allow");
  assert.equal(d.policy, "default_allow");
  assert.deepEqual(d.chain.map((e) => [e.policy_id, e.result, e.detail]), [["secret_scan", "pass", null], [
    "rbac",
    "n/a",
    "none",
  ]]);
});

Deno.test("evaluateChain() stops at the first deny and records later stages as skip", async () => {
  const calls: StageId[] = [];
  const d = await evaluateChain({
    enabled: true,
    disabled: new Set(),
    stages: [
      stage("scope_check", { result: "fail", reason: "no" }, calls),
      stage("rate_limit", { result: "pass" }, calls),
    ],
  }, input);
  assert.equal(d.decision, "deny");
  assert.equal(d.policy, "scope_check");
  assert.equal(d.reason, "no");
  assert.deepEqual(calls, ["scope_check"]);
  assert.deepEqual(d.chain.map((e) => e.result), ["fail", "skip"]);
});

Deno.test("evaluateChain() denies with policy_error when a stage throws", async () => {
  const d = await evaluateChain({
    enabled: true,
    disabled: new Set(),
    stages: [stage("rbac", new Error("boom")), stage("rate_limit", { result: "pass" })],
  }, input);
  assert.equal(d.decision, "deny");
  assert.equal(d.policy, "policy_error");
  assert.deepEqual(d.chain.map((e) => e.result), ["fail", "skip"]);
  assert.match(d.chain[0]!.detail ?? "", /boom/);
});

Deno.test("evaluateChain() records disabled stages without running them, and can be disabled whole", async () => {
  const calls: StageId[] = [];
  const d = await evaluateChain({
    enabled: true,
    disabled: new Set<StageId>(["secret_scan"]),
    stages: [
      stage("secret_scan", { result: "fail", reason: "x" }, calls),
      stage("rate_limit", { result: "pass" }, calls),
    ],
  }, input);
  assert.equal(d.decision, "allow");
  assert.deepEqual(calls, ["rate_limit"]);
  assert.deepEqual(d.chain.map((e) => e.result), ["disabled", "pass"]);
  const off = await evaluateChain({
    enabled: false,
    disabled: new Set(),
    stages: [stage("rbac", { result: "pass" })],
  }, input);
  assert.equal(off.policy, "governance_disabled");
  assert.deepEqual(off.chain.map((e) => e.result), ["disabled"]);
});
