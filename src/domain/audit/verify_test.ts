import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { DecisionId, TraceId } from "@shared/ids.ts";
import { chainDecisions, type ChainedDecision, GENESIS_HEAD } from "./chain.ts";
import { type Checkpoint, checkpointMessage, dueCheckpoints, type SignatureCheck } from "./checkpoint.ts";
import type { NewDecisionRecord } from "./record.ts";
import { createAuditVerifier } from "./verify.ts";

// A stand-in signature scheme: the tests exercise the verifier, not Ed25519.
const fakeSign = (message: string) => createHash("sha256").update(`k1:${message}`).digest("hex");
const fakeCheck: SignatureCheck = (keyId, message, signature) =>
  keyId === "k1" && fakeSign(message) === signature;

function records(count: number): NewDecisionRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `0190a000-0000-7000-8000-${String(i).padStart(12, "0")}` as DecisionId,
    userId: null,
    sessionId: null,
    toolName: "Bash",
    agentId: null,
    agentScope: "user",
    decision: i % 3 === 0 ? "deny" : "allow",
    policy: i % 3 === 0 ? "tool_blocklist" : "default_allow",
    reason: i % 3 === 0 ? "blocked" : null,
    evaluatedRules: { i },
    pluginId: null,
    actorKind: "user",
    actorId: null,
    actChain: [],
    contextId: null,
    taskId: null,
    traceId: `t${i}` as TraceId,
    createdAt: new Date(1_700_000_000_000 + i),
  }));
}

function checkpointAt(row: ChainedDecision): Checkpoint {
  const signature = fakeSign(checkpointMessage(row.seq, row.rowHash));
  return { seq: row.seq, rowHash: row.rowHash, signedAt: new Date(), keyId: "k1", signature };
}

function verify(rows: readonly ChainedDecision[], checkpoints: Checkpoint[] = []) {
  const verifier = createAuditVerifier(GENESIS_HEAD, checkpoints, fakeCheck);
  verifier.feed(rows.slice(0, 4));
  verifier.feed(rows.slice(4));
  return verifier.finish();
}

const chain = chainDecisions(records(10), GENESIS_HEAD);

Deno.test("createAuditVerifier() accepts an intact chain fed in pages, with its checkpoints", () => {
  const report = verify(chain, [checkpointAt(chain[4]!), checkpointAt(chain[9]!)]);
  assert.deepEqual(report, { ok: true, rowsChecked: 10, checkpointsChecked: 2 });
});

Deno.test("createAuditVerifier() reports the seq of an altered row", () => {
  const tampered = chain.map((row) => (row.seq === 6 ? { ...row, reason: "nothing to see" } : row));
  const report = verify(tampered);
  assert.equal(report.ok, false);
  assert.equal(report.firstBrokenSeq, 6);
  assert.match(report.reason!, /row_hash/);
});

Deno.test("createAuditVerifier() reports a re-hashed row by the broken link after it", () => {
  const rehashed = chainDecisions([{ ...chain[5]!, reason: "edited" }], {
    seq: 5,
    rowHash: chain[4]!.rowHash,
  })[0]!;
  const report = verify(chain.map((row) => (row.seq === 6 ? rehashed : row)));
  assert.equal(report.firstBrokenSeq, 7);
  assert.match(report.reason!, /prev_hash/);
});

Deno.test("createAuditVerifier() reports a missing row, a cut tail and a bad checkpoint", () => {
  assert.equal(verify(chain.filter((row) => row.seq !== 3)).firstBrokenSeq, 3);
  const cut = verify(chain.slice(0, 8), [checkpointAt(chain[9]!)]);
  assert.deepEqual([cut.ok, cut.firstBrokenSeq], [false, 9]);
  const forged = { ...checkpointAt(chain[4]!), signature: "00" };
  assert.equal(verify(chain, [forged]).firstBrokenSeq, 5);
  assert.match(verify(chain, [{ ...checkpointAt(chain[4]!), keyId: "k2" }]).reason!, /signature/);
});

Deno.test("dueCheckpoints() signs every Nth seq, and the tail once the last checkpoint is stale", () => {
  const rows = chainDecisions(records(25), GENESIS_HEAD);
  const policy = { everyRows: 10, maxAgeMs: 60_000 };
  const now = new Date(1_000_000);
  assert.deepEqual(dueCheckpoints(rows, { seq: 0, at: null }, now, policy).map((c) => c.seq), [10, 20]);
  const fresh = { seq: 0, at: new Date(now.getTime() - 59_999) };
  assert.deepEqual(dueCheckpoints(rows, fresh, now, policy).map((c) => c.seq), [10, 20]);
  const stale = { seq: 0, at: new Date(now.getTime() - 60_000) };
  assert.deepEqual(dueCheckpoints(rows, stale, now, policy).map((c) => c.seq), [10, 20, 25]);
  assert.deepEqual(dueCheckpoints(rows.slice(0, 20), stale, now, policy).map((c) => c.seq), [10, 20]);
  assert.deepEqual(dueCheckpoints([], stale, now, policy), []);
});
