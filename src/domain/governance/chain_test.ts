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

/** A charging stage whose verdict arrives when `settle` is called; records starts and undos. */
function charging(id: StageId, verdict: StageVerdict, log: string[]) {
  let settle!: () => void;
  const gate = new Promise<void>((resolve) => (settle = resolve));
  const s: Stage = {
    id,
    evaluate: () => {
      throw new Error(`${id} is started, never evaluated`);
    },
    start: () => {
      log.push(`start ${id}`);
      return {
        verdict: gate.then(() => (log.push(`verdict ${id}`), verdict)),
        undo: async () => {
          await gate;
          log.push(`undo ${id}`);
        },
      };
    },
  };
  return { stage: s, settle: () => settle() };
}

Deno.test("evaluateChain() starts the charging stages together; a deny before one hands its charge back", async () => {
  const log: string[] = [];
  const budget = charging("budget", { result: "fail", reason: "budget exceeded", detail: "b" }, log);
  const rate = charging("rate_limit", { result: "pass", detail: "1/300" }, log);
  const pending = evaluateChain({
    enabled: true,
    disabled: new Set(),
    stages: [stage("secret_scan", { result: "pass" }), budget.stage, rate.stage],
  }, input);
  await new Promise((resolve) => setTimeout(resolve, 0));
  // Both round trips are under way before either answers.
  assert.deepEqual(log, ["start budget", "start rate_limit"]);
  rate.settle();
  budget.settle();
  const d = await pending;
  assert.equal(d.decision, "deny");
  assert.equal(d.policy, "budget");
  assert.ok(log.includes("undo rate_limit") && !log.includes("undo budget"), log.join(", "));
  assert.deepEqual(d.chain.map((e) => [e.policy_id, e.result, e.detail]), [
    ["secret_scan", "pass", null],
    ["budget", "fail", "b"],
    ["rate_limit", "skip", "started early; charge handed back"],
  ]);
});

Deno.test("evaluateChain() starts nothing when a stage before the charging ones denies", async () => {
  const log: string[] = [];
  const budget = charging("budget", { result: "pass" }, log);
  const rate = charging("rate_limit", { result: "pass" }, log);
  const d = await evaluateChain({
    enabled: true,
    disabled: new Set(["rate_limit"]),
    stages: [stage("tool_blocklist", { result: "fail", reason: "blocked" }), budget.stage, rate.stage],
  }, input);
  assert.equal(d.policy, "tool_blocklist");
  assert.deepEqual(log, []);
  assert.deepEqual(d.chain.map((e) => e.result), ["fail", "skip", "skip"]);
});

Deno.test("evaluateChain() counts an early verdict only at its stage's turn and never starts a disabled stage", async () => {
  const log: string[] = [];
  const budget = charging("budget", { result: "pass", detail: "reserved" }, log);
  const rate = charging(
    "rate_limit",
    { result: "fail", reason: "rate limit exceeded", detail: "300/300" },
    log,
  );
  const later = charging("tool_pinning", { result: "pass" }, log);
  rate.settle();
  later.settle();
  const pending = evaluateChain({
    enabled: true,
    disabled: new Set(["tool_pinning"]),
    stages: [budget.stage, later.stage, rate.stage],
  }, input);
  await new Promise((resolve) => setTimeout(resolve, 0));
  budget.settle();
  const d = await pending;
  // The rate limit answered first, but the budget's verdict is taken first: the chain's order holds.
  assert.equal(d.policy, "rate_limit");
  assert.deepEqual(log.filter((l) => l.startsWith("start")), ["start budget", "start rate_limit"]);
  assert.deepEqual(d.chain.map((e) => [e.policy_id, e.result]), [
    ["budget", "pass"],
    ["tool_pinning", "disabled"],
    ["rate_limit", "fail"],
  ]);
});

Deno.test("evaluateChain() denies with policy_error when an early-started stage fails at its turn", async () => {
  const failing: Stage = {
    id: "rate_limit",
    evaluate: () => ({ result: "pass" }),
    start: () => ({ verdict: Promise.reject(new Error("db down")), undo: () => Promise.resolve() }),
  };
  const d = await evaluateChain({
    enabled: true,
    disabled: new Set(),
    stages: [stage("secret_scan", { result: "pass" }), failing],
  }, input);
  assert.equal(d.policy, "policy_error");
  assert.equal(d.chain[1]?.detail, "stage error: db down");
});
