import assert from "node:assert/strict";
import { normalizeDecision } from "./normalize.ts";
import type { NewDecisionRecord } from "./record.ts";
import { jsonish, seeded } from "./test_values.ts";
import type { DecisionId, TraceId } from "@shared/ids.ts";

/**
 * The first implementation of the JSON part: a JSON round trip, then every string and key cleaned;
 * each object's members now in sorted key order (jsonb keeps none; canonical JSON then is one
 * `JSON.stringify`).
 */
function reference(value: unknown): unknown {
  const clean = (text: string) => text.toWellFormed().replaceAll("\u0000", "\uFFFD");
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1));
      return Object.fromEntries(entries.map(([k, x]) => [clean(k), walk(x)]));
    }
    return v;
  };
  return walk(JSON.parse(JSON.stringify(value)));
}

function withRules(evaluatedRules: Record<string, unknown>): NewDecisionRecord {
  return {
    id: "0190a000-0000-7000-8000-000000000001" as DecisionId,
    userId: null,
    sessionId: "s\u0000",
    toolName: null,
    agentId: null,
    agentScope: "user",
    decision: "allow",
    policy: "default_allow",
    reason: "lone \ud800",
    evaluatedRules,
    pluginId: null,
    actorKind: "user",
    actorId: null,
    actChain: ["a\u0000"],
    contextId: null,
    taskId: null,
    traceId: "t" as TraceId,
    createdAt: new Date(0),
  };
}

Deno.test("normalizeDecision() stores exactly what the JSON round trip stored (2,000 random values)", () => {
  const next = seeded(7_000_001);
  for (let i = 0; i < 2_000; i++) {
    const rules = {
      value: jsonish(next, { holes: true }),
      [`k${i % 3}\u0000`]: jsonish(next, { holes: true }),
    };
    const got = normalizeDecision(withRules(rules)).evaluatedRules;
    const text = JSON.stringify(rules);
    // V8 15.0's JSON.parse can misread a key (see the next test); the round trip is no reference then.
    if (JSON.stringify(JSON.parse(text)) !== text) continue;
    const want = reference(rules);
    assert.deepStrictEqual(got, want, `case ${i}`);
    assert.equal(JSON.stringify(got), JSON.stringify(want), `case ${i}: key order`);
  }
});

Deno.test("normalizeDecision() keeps keys that this runtime's JSON.parse misreads", () => {
  // V8 15.0 (Deno 2.9): once an object with a key ending in a backslash ("a\\") was parsed, a key
  // in the same place that differs only in an escaped last character ("a\n") is read as the first.
  JSON.parse('{"shape":0,"a\\\\":1}');
  const rules = { shape: 0, "a\n": 1 };
  assert.deepStrictEqual(normalizeDecision(withRules(rules)).evaluatedRules, { shape: 0, "a\n": 1 });
});

Deno.test("normalizeDecision() cleans the text columns and copies the JSON (a snapshot)", () => {
  const chain = [{ policy_id: "rbac", result: "pass" }];
  const raw = withRules({ chain, ["__proto__"]: { x: 1 }, both: "x\u0000", "both\u0000": 1 });
  const stored = normalizeDecision(raw);
  assert.equal(stored.sessionId, "s\uFFFD");
  assert.equal(stored.reason, "lone \uFFFD");
  assert.deepEqual(stored.actChain, ["a\uFFFD"]);
  assert.deepEqual(Object.keys(stored.evaluatedRules), ["__proto__", "both", "both\uFFFD", "chain"]);
  assert.equal(Object.getPrototypeOf(stored.evaluatedRules), Object.prototype);
  chain.push({ policy_id: "later", result: "fail" });
  assert.equal(
    (stored.evaluatedRules["chain"] as unknown[]).length,
    1,
    "later changes do not reach the record",
  );
  assert.throws(() => normalizeDecision(withRules({ big: 1n })), TypeError);
});
