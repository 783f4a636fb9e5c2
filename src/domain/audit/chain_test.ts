import assert from "node:assert/strict";
import type { DecisionId, TraceId, UserId } from "@shared/ids.ts";
import {
  canonicalDecision,
  chainBatch,
  chainDecisions,
  GENESIS_HASH,
  GENESIS_HEAD,
  hashDecision,
} from "./chain.ts";
import { canonicalJson } from "./canonical_json.ts";
import { encodeChained } from "./codec.ts";
import { normalizeDecision } from "./normalize.ts";
import type { NewDecisionRecord } from "./record.ts";

function record(n: number, overrides: Partial<NewDecisionRecord> = {}): NewDecisionRecord {
  return {
    id: `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}` as DecisionId,
    userId: "0190a000-0000-7000-8000-00000000aaaa" as UserId,
    sessionId: "sess_x",
    toolName: "Read",
    agentId: null,
    agentScope: "admin",
    decision: "allow",
    policy: "default_allow",
    reason: null,
    evaluatedRules: {
      chain: [{ policy_id: "secret_scan", result: "pass", detail: null, duration_ms: 0.01 }],
    },
    pluginId: null,
    actorKind: "user",
    actorId: null,
    actChain: [],
    contextId: null,
    taskId: null,
    traceId: `trace${n}` as TraceId,
    createdAt: new Date(Date.UTC(2025, 5, 1, 12, 0, 0, n)),
    ...overrides,
  };
}

Deno.test("canonicalDecision() names all 18 columns and seq, nulls explicit, created_at with ms", () => {
  const text = canonicalDecision(record(7), 3);
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.equal(Object.keys(parsed).length, 19);
  assert.deepEqual(Object.keys(parsed), Object.keys(parsed).sort());
  assert.equal(parsed["agent_id"], null);
  assert.equal(parsed["created_at"], "2025-06-01T12:00:00.007Z");
  assert.equal(parsed["seq"], 3);
});

Deno.test("hashDecision() is deterministic and independent of jsonb key order", () => {
  const a = record(1, { evaluatedRules: { b: 1, a: { y: 2, x: 1 } } });
  const b = record(1, { evaluatedRules: { a: { x: 1, y: 2 }, b: 1 } });
  assert.equal(hashDecision(a, 1, GENESIS_HASH), hashDecision(b, 1, GENESIS_HASH));
  assert.match(hashDecision(a, 1, GENESIS_HASH), /^[0-9a-f]{64}$/);
});

Deno.test("hashDecision() changes with any column, the seq or the previous hash", () => {
  const base = hashDecision(record(1), 1, GENESIS_HASH);
  assert.notEqual(hashDecision(record(1, { reason: "x" }), 1, GENESIS_HASH), base);
  assert.notEqual(hashDecision(record(1, { reason: "" }), 1, GENESIS_HASH), base);
  assert.notEqual(hashDecision(record(1, { actChain: ["a"] }), 1, GENESIS_HASH), base);
  assert.notEqual(hashDecision(record(1), 2, GENESIS_HASH), base);
  assert.notEqual(hashDecision(record(1), 1, "f".repeat(64)), base);
});

Deno.test("chainDecisions() numbers rows after the head and links each to the one before", () => {
  const rows = chainDecisions([record(1), record(2), record(3)], GENESIS_HEAD);
  assert.deepEqual(rows.map((r) => r.seq), [1, 2, 3]);
  assert.equal(rows[0]!.prevHash, GENESIS_HASH);
  assert.equal(rows[1]!.prevHash, rows[0]!.rowHash);
  assert.equal(rows[2]!.rowHash, hashDecision(record(3), 3, rows[1]!.rowHash));
  const later = chainDecisions([record(4)], { seq: 3, rowHash: rows[2]!.rowHash });
  assert.equal(later[0]!.seq, 4);
  assert.equal(later[0]!.prevHash, rows[2]!.rowHash);
});

Deno.test("normalizeDecision() makes strings storable and JSON what jsonb keeps", () => {
  const raw = record(1, {
    reason: "nul\u0000 lone\ud800",
    evaluatedRules: { "k\u0000": ["v\u0000"], gone: undefined, at: new Date(0) },
  });
  const clean = normalizeDecision(raw);
  assert.equal(clean.reason, "nul\uFFFD lone\uFFFD");
  assert.deepEqual(clean.evaluatedRules, { "k\uFFFD": ["v\uFFFD"], at: "1970-01-01T00:00:00.000Z" });
  assert.deepEqual(normalizeDecision(clean), clean);
});

Deno.test("canonicalDecision() is canonicalJson of the row under its column names (undefined left out)", () => {
  for (
    const r of [
      record(1),
      record(2, { reason: "x", actChain: ["u1", "u2"] }),
      record(3, { agentId: undefined! }),
    ]
  ) {
    const columns = { ...encodeChained({ ...r, seq: 9, prevHash: "", rowHash: "" }) };
    delete columns["prev_hash"];
    delete columns["row_hash"];
    assert.equal(canonicalDecision(r, 9), canonicalJson(columns));
  }
});

Deno.test("chainBatch() writes each row once: its canonical text with both hashes, as the SQL reads it", () => {
  const records = [record(1), record(2, { reason: 'r\u2028"' }), record(3)];
  const { rows, json } = chainBatch(records, { seq: 41, rowHash: "a".repeat(64) });
  assert.deepEqual(rows, chainDecisions(records, { seq: 41, rowHash: "a".repeat(64) }));
  assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(rows.map(encodeChained))));
  assert.deepEqual(chainBatch([], GENESIS_HEAD), { rows: [], json: "[]" });
});
