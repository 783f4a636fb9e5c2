import assert from "node:assert/strict";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import { normalizeDecision } from "@domain/audit/normalize.ts";
import { canonicalDecision, hashDecision } from "@domain/audit/mod.ts";
import { canonicalParts } from "@domain/audit/chain.ts";
import {
  appendChained,
  appendPlaced,
  readLastCheckpoint,
  type SequencerDeps,
  signPlacedCheckpoints,
} from "@domain/audit/sequencer.ts";
import { auditSignatureCheck } from "@infra/audit/audit_key.ts";
import type { Db } from "@infra/db/db.ts";
import { fixedClock } from "@shared/clock.ts";
import { countingDb, decision, newAuditKey, openTestWriter } from "./support/audit.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();
const record = (n: number) => normalizeDecision(decision(n));

function sequencer(db: Db, everyRows = 1_000) {
  const key = newAuditKey();
  const clock = fixedClock(new Date());
  const deps: SequencerDeps = { db, signer: key, clock, policy: { everyRows, maxAgeMs: 60_000 } };
  return { deps, key, clock };
}

async function count(db: Db): Promise<number> {
  return (await db.one<{ n: number }>("select count(*)::int as n from governance_decisions")).n;
}

const plain = (n: number) => ({ record: record(n), stages: [] });
const rate = (key: string, limit: number) => ({ op: "rate" as const, key, limit, window: 60 });

async function hits(db: Db, key: string): Promise<number> {
  const row = await db.one<{ n: number }>(
    "select coalesce(sum(hits), 0)::int as n from rate_limit_hits where key = $1",
    [key],
  );
  return row.n;
}

Deno.test(`sequencer (${mode}): the database places and hashes rows exactly as the chain does`, async () => {
  await using db = await openTestDb();
  const { deps, key } = sequencer(db);
  await appendChained(deps, [record(1)], { dedupe: false });
  const odd = normalizeDecision(decision(2, { reason: 'naïve ☃ "quoted" \\ 🙂 seq', toolName: '"seq":0,' }));
  const third = record(3);
  const placed = await appendPlaced(db, [{ record: odd, stages: [] }, { record: third, stages: [] }]);
  assert.deepEqual(placed.map((p) => p.seq), [2, 3]);
  const first = await db.one<{ row_hash: string }>("select row_hash from governance_decisions where seq = 1");
  assert.equal(placed[0]!.rowHash, hashDecision(odd, 2, first.row_hash));
  assert.equal(placed[1]!.rowHash, hashDecision(third, 3, placed[0]!.rowHash!));
  for (let i = 4; i <= 20; i++) await appendPlaced(db, [plain(i)]);
  await appendChained(deps, [record(21)], { dedupe: false }); // the full path continues after it
  const report = await verifyStoredChain(db, auditSignatureCheck(key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 21, checkpointsChecked: 0 });
  const events = await db.one<{ n: number }>("select count(*)::int as n from event_outbox");
  assert.equal(events.n, 21);
});

Deno.test(`sequencer (${mode}): canonicalParts splits the canonical text around seq`, () => {
  const r = normalizeDecision(decision(7, { reason: '"seq":0, inside a string' }));
  const [head, tail] = canonicalParts(r);
  for (const seq of [1, 9, 10, 12_345_678]) assert.equal(`${head}${seq}${tail}`, canonicalDecision(r, seq));
});

Deno.test(`sequencer (${mode}): a refused entry appends nothing and leaves no gap`, async () => {
  await using db = await openTestDb();
  const { key } = sequencer(db);
  const entries = [1, 2, 3, 4].map((n) => ({ record: record(n), stages: [[rate("k", 2)]] }));
  const last = plain(5);
  const placed = await appendPlaced(db, [...entries, last]);
  assert.deepEqual(placed.map((p) => p.seq), [1, 2, null, null, 3]);
  assert.deepEqual(placed.map((p) => p.refusedStage), [null, null, 0, 0, null]);
  const refused = placed[2]!.charges[0]![0]!;
  assert.ok(refused.op === "rate" && !refused.allowed && refused.used === 2 && refused.retryAfterMs > 0);
  assert.equal(await hits(db, "k"), 2);
  const ids = await db.many<{ id: string }>("select id from governance_decisions order by seq");
  assert.deepEqual(ids.map((r) => r.id), [entries[0]!.record.id, entries[1]!.record.id, last.record.id]);
  const report = await verifyStoredChain(db, auditSignatureCheck(key.publicKeyPem));
  assert.equal(report.ok, true);
});

Deno.test(`sequencer (${mode}): stages charge all or none, in order; a refusal stops the later ones`, async () => {
  await using db = await openTestDb();
  // Stage 0 passes and keeps its charge; stage 1's second charge refuses, so its first is handed
  // back; stage 2 never runs.
  const [placed] = await appendPlaced(db, [{
    record: record(1),
    stages: [[rate("a", 5)], [rate("b", 5), rate("c", 0)], [rate("d", 5)]],
  }]);
  assert.equal(placed!.seq, null);
  assert.equal(placed!.refusedStage, 1);
  assert.deepEqual(placed!.charges.map((stage) => stage.map((c) => c.op === "rate" && c.allowed)), [[true], [
    true,
    false,
  ]]);
  assert.deepEqual([await hits(db, "a"), await hits(db, "b"), await hits(db, "c"), await hits(db, "d")], [
    1,
    0,
    0,
    0,
  ]);
  assert.equal(await count(db), 0);
});

Deno.test(`sequencer (${mode}): a budget reservation travels with the row`, async () => {
  await using db = await openTestDb();
  const reserve = (n: number) => ({
    op: "reserve" as const,
    id: crypto.randomUUID(),
    budgets: ["team"],
    keys: ["organization"],
    windows: ["day"],
    limits: ["100"],
    enforce: [true],
    amount: 40 + n,
  });
  const placed = await appendPlaced(
    db,
    [1, 2, 3].map((n) => ({ record: record(n), stages: [[reserve(n)]] })),
  );
  assert.deepEqual(placed.map((p) => p.seq), [1, 2, null]);
  const refused = placed[2]!.charges[0]![0]!;
  assert.equal(refused.op, "reserve");
  assert.ok(refused.op === "reserve" && !refused.admitted && refused.failed === 1);
  assert.equal(refused.op === "reserve" && refused.remainingMicros, 100 - 41 - 42);
  const window = await db.one<{ reserved_micros: number }>(
    "select reserved_micros::int from llm_budget_windows where budget = 'team'",
  );
  assert.equal(window.reserved_micros, 41 + 42);
});

Deno.test(`sequencer (${mode}): the checkpoints a placed batch makes due are signed after it`, async () => {
  await using db = await openTestDb();
  const { deps, clock, key } = sequencer(db, 5);
  const placed = await appendPlaced(db, [1, 2, 3, 4, 5, 6, 7].map(plain));
  const heads = placed.map((p) => ({ seq: p.seq!, rowHash: p.rowHash! }));
  let last = await readLastCheckpoint(db);
  last = (await signPlacedCheckpoints(deps, heads, last))!;
  assert.equal(last.seq, 5);
  clock.advance(60_000);
  const more = await appendPlaced(db, [plain(8)]);
  last = (await signPlacedCheckpoints(deps, [{ seq: more[0]!.seq!, rowHash: more[0]!.rowHash! }], last))!;
  assert.equal(last.seq, 8, "the last checkpoint was stale");
  const checkpoints = await db.many<{ seq: number }>("select seq from audit_checkpoints order by seq");
  assert.deepEqual(checkpoints.map((c) => c.seq), [5, 8]);
  const report = await verifyStoredChain(db, auditSignatureCheck(key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 8, checkpointsChecked: 2 });
});

Deno.test(`AuditWriter (${mode}) appends one-at-a-time batches in one round trip each`, async () => {
  await using db = await openTestDb();
  const calls: string[] = [];
  const spy: Db = {
    ...db,
    one: (sql, params) => (calls.push("other"), db.one(sql, params)),
    many: (
      sql,
      params,
    ) => (calls.push(sql.includes("sp_audit_append") ? "append" : "other"), db.many(sql, params)),
    tx: (fn, options) => (calls.push("tx"), db.tx(fn, options)),
  };
  const counting = countingDb(spy);
  await using w = await openTestWriter(counting.db, { checkpointTickMs: 0 });
  for (let i = 1; i <= 30; i++) assert.equal((await w.writer.append(decision(i))).seq, i);
  assert.equal(counting.batches(), 30);
  assert.deepEqual(calls.filter((c) => c !== "other"), Array(30).fill("append"));
  assert.equal(calls.length, 31, "and one read of the last checkpoint");
});
