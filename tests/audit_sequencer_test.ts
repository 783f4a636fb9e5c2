import assert from "node:assert/strict";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import { normalizeDecision } from "@domain/audit/normalize.ts";
import { appendAfter, appendChained, type SequencerDeps } from "@domain/audit/sequencer.ts";
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

Deno.test(`sequencer (${mode}): the one-round-trip append continues the chain it was given`, async () => {
  await using db = await openTestDb();
  const { deps, key } = sequencer(db);
  let state = (await appendChained(deps, [record(1)], { dedupe: false })).state;
  for (let i = 2; i <= 20; i++) {
    const done = await appendAfter(deps, state, [record(i), record(i + 100)]);
    assert.ok(done, `batch ${i} declined`);
    assert.deepEqual(done.rows.map((r) => r.seq), [state.head.seq + 1, state.head.seq + 2]);
    state = done.state;
  }
  assert.equal(state.head.seq, 39);
  const report = await verifyStoredChain(db, auditSignatureCheck(key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 39, checkpointsChecked: 0 });
  const none = await db.one<{ n: number }>("select count(*)::int as n from event_outbox");
  assert.equal(none.n, 0, "the rows only: their events are published after the commit");
  assert.deepEqual(await db.one("select sp_audit_publish(1000) as published"), { published: 39 });
});

Deno.test(`sequencer (${mode}): a moved head makes the one-round-trip append write nothing`, async () => {
  await using db = await openTestDb();
  const { deps } = sequencer(db);
  const stale = (await appendChained(deps, [record(1)], { dedupe: false })).state;
  await appendChained(deps, [record(2)], { dedupe: false }); // another writer appends meanwhile
  assert.equal(await appendAfter(deps, stale, [record(3)]), undefined);
  assert.equal(await count(db), 2);
  const forks = await db.one<{ n: number }>(
    "select count(distinct prev_hash)::int as n from governance_decisions",
  );
  assert.equal(forks.n, 2);
});

Deno.test(`sequencer (${mode}): a head with the expected seq but another hash is not appended to`, async () => {
  await using db = await openTestDb();
  const { deps } = sequencer(db);
  const state = (await appendChained(deps, [record(1), record(2)], { dedupe: false })).state;
  await db.exec("alter table governance_decisions disable trigger governance_decisions_no_update");
  await db.query("update governance_decisions set row_hash = $1 where seq = 2", ["f".repeat(64)]);
  await db.exec("alter table governance_decisions enable trigger governance_decisions_no_update");
  assert.equal(await appendAfter(deps, state, [record(3)]), undefined);
  assert.equal(await count(db), 2);
});

Deno.test(`sequencer (${mode}): a batch that makes a checkpoint due signs it in the same round trip`, async () => {
  await using db = await openTestDb();
  const { deps, key, clock } = sequencer(db, 5);
  const checkpoints = async () =>
    (await db.many<{ seq: number; signed_at: Date }>(
      "select seq, signed_at from audit_checkpoints order by seq",
    ))
      .map((c) => [c.seq, c.signed_at.getTime()]);
  let state = (await appendChained(deps, [record(1), record(2), record(3)], { dedupe: false })).state;
  const start = clock.now().getTime();
  const crossing = await appendAfter(deps, state, [record(4), record(5), record(6)]);
  assert.ok(crossing, "seq 5 is a checkpoint: the batch still goes in one round trip");
  assert.deepEqual(crossing.state.last, { seq: 5, at: clock.now() });
  assert.deepEqual(await checkpoints(), [[5, start]]);
  state = crossing.state;

  clock.advance(59_000);
  state = (await appendAfter(deps, state, [record(7)]))!.state;
  assert.deepEqual(await checkpoints(), [[5, start]], "not stale yet, no boundary");
  clock.advance(1_000);
  const stale = await appendAfter(deps, state, [record(8), record(9)]);
  assert.ok(stale, "a stale checkpoint does not leave the one round trip either");
  assert.deepEqual(await checkpoints(), [[5, start], [9, start + 60_000]], "the newest row of the batch");

  // A moved head (another writer signed boundary 10 meanwhile) writes neither rows nor checkpoints.
  await appendChained(deps, [record(10)], { dedupe: false });
  clock.advance(60_000);
  assert.equal(await appendAfter(deps, stale.state, [record(11)]), undefined, "stale: it would sign 10");
  assert.equal(await count(db), 10);
  assert.deepEqual((await checkpoints()).map(([seq]) => seq), [5, 9, 10]);

  const report = await verifyStoredChain(db, auditSignatureCheck(key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 10, checkpointsChecked: 3 });
});

Deno.test(`AuditWriter (${mode}) appends one-at-a-time batches in one round trip each`, async () => {
  await using db = await openTestDb();
  const calls: string[] = [];
  const spy: Db = {
    ...db,
    one: (
      sql,
      params,
    ) => (calls.push(sql.includes("sp_audit_append") ? "append" : "other"), db.one(sql, params)),
    tx: (fn, options) => (calls.push("tx"), db.tx(fn, options)),
  };
  const counting = countingDb(spy);
  const policy = { everyRows: 7, maxAgeMs: 60_000 };
  await using w = await openTestWriter(counting.db, { checkpointTickMs: 0, policy });
  for (let i = 1; i <= 30; i++) assert.equal((await w.writer.append(decision(i))).seq, i);
  assert.equal(counting.batches(), 30);
  assert.deepEqual(
    calls.filter((c) => c !== "other"),
    ["tx", ...Array(29).fill("append")],
    "checkpoints too",
  );
  const checkpoints = await db.many<{ seq: number }>("select seq from audit_checkpoints order by seq");
  assert.deepEqual(checkpoints.map((c) => c.seq), [7, 14, 21, 28]);
  const report = await verifyStoredChain(db, auditSignatureCheck(w.key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 30, checkpointsChecked: 4 });
});
