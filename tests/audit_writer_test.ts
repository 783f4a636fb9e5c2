import assert from "node:assert/strict";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import { auditSignatureCheck } from "@infra/audit/audit_key.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { fixedClock } from "@shared/clock.ts";
import { isAppError } from "@shared/errors.ts";
import type { DecisionId } from "@shared/ids.ts";
import { countingDb, decision, openTestWriter } from "./support/audit.ts";
import { databaseUrl, openTestDb, testDbMode, testPgSettings, withAdmin } from "./support/db.ts";
import type { Db } from "@infra/db/db.ts";

const mode = testDbMode();

async function seqs(db: Db): Promise<number[]> {
  return (await db.many<{ seq: number }>("select seq from governance_decisions order by seq")).map((r) =>
    r.seq
  );
}

async function alterReason(db: Db, seq: number): Promise<void> {
  await db.exec("alter table governance_decisions disable trigger governance_decisions_no_update");
  await db.query("update governance_decisions set reason = 'edited' where seq = $1", [seq]);
  await db.exec("alter table governance_decisions enable trigger governance_decisions_no_update");
}

Deno.test(`AuditWriter (${mode}) chains 10,000 concurrent appends gap-free in batches, verifiably`, async () => {
  await using db = await openTestDb();
  const counting = countingDb(db);
  const clock = fixedClock(new Date());
  await using w = await openTestWriter(counting.db, { clock, checkpointTickMs: 0 });
  const started = performance.now();
  let receipts: { seq: number | null; durable: string }[] = [];
  for (let wave = 0; wave < 50; wave++) {
    const appends = Array.from(
      { length: 200 },
      (_, i) => w.writer.append(decision(wave * 200 + i, { createdAt: clock.now() })),
    );
    receipts = receipts.concat(await Promise.all(appends));
  }
  const appendMs = performance.now() - started;
  assert.ok(receipts.every((r) => r.durable === "database"));
  assert.deepEqual(
    receipts.map((r) => r.seq).sort((a, b) => a! - b!),
    Array.from({ length: 10_000 }, (_, i) => i + 1),
  );
  assert.deepEqual(await seqs(db), Array.from({ length: 10_000 }, (_, i) => i + 1));
  const batches = counting.batches();
  assert.ok(batches >= 20 && batches <= 200, `batches: ${batches}`);
  assert.equal(w.writer.depth(), 0);

  await w.writer.publishEvents();
  const checkpoints = await db.many<{ seq: number }>("select seq from audit_checkpoints order by seq");
  assert.deepEqual(checkpoints.map((c) => c.seq), Array.from({ length: 10 }, (_, i) => (i + 1) * 1000));
  const events = await db.one<{ n: number; breaches: number }>(
    `select count(*)::int as n, count(*) filter (where kind = 'governance.breach')::int as breaches from event_outbox`,
  );
  assert.deepEqual(events, { n: 10_000, breaches: 0 });

  const check = auditSignatureCheck(w.key.publicKeyPem);
  const verifyStart = performance.now();
  const report = await verifyStoredChain(db, check);
  const verifyMs = performance.now() - verifyStart;
  assert.deepEqual(report, { ok: true, rowsChecked: 10_000, checkpointsChecked: 10 });
  console.log(
    `  ${mode}: 10,000 appends in ${appendMs.toFixed(0)} ms (${(10_000_000 / appendMs).toFixed(0)}/s, ` +
      `${batches} batches); verify in ${verifyMs.toFixed(0)} ms`,
  );

  await alterReason(db, 4321);
  const broken = await verifyStoredChain(db, check);
  assert.equal(broken.ok, false);
  assert.equal(broken.firstBrokenSeq, 4321);
  assert.equal((await verifyStoredChain(db, check, { fromSeq: 5000 })).ok, true);
  // Pages read ahead while the one before is hashed: the same answers for any page size.
  const paged = await verifyStoredChain(db, check, { pageSize: 999 });
  assert.deepEqual({ ok: paged.ok, seq: paged.firstBrokenSeq }, { ok: false, seq: 4321 });
  assert.deepEqual(await verifyStoredChain(db, check, { fromSeq: 4322, pageSize: 7 }), {
    ok: true,
    rowsChecked: 5679,
    checkpointsChecked: 6,
  });
});

Deno.test(`AuditWriter (${mode}) emits governance.breach for a secret_scan deny, with the row as payload`, async () => {
  await using db = await openTestDb();
  await using w = await openTestWriter(db, { checkpointTickMs: 0 });
  const heard: string[] = [];
  const listener = await db.listen("sp_events", (payload) => heard.push(payload));
  try {
    const breach = decision(1, {
      decision: "deny",
      policy: "secret_scan",
      reason: "secret detected: AWS Access Key",
    });
    const [a, b] = await Promise.all([w.writer.append(decision(2)), w.writer.append(breach)]);
    assert.deepEqual([a.seq, b.seq], [1, 2]);
    await w.writer.publishEvents();
    const rows = await db.many<{ id: number; kind: string; payload: Record<string, unknown> }>(
      "select id, kind, payload from event_feed order by id",
    );
    assert.deepEqual(rows.map((r) => r.kind), ["governance.decision", "governance.breach"]);
    assert.equal(rows[1]!.payload["id"], breach.id);
    assert.equal(rows[1]!.payload["seq"], 2);
    assert.equal(rows[1]!.payload["reason"], "secret detected: AWS Access Key");
    const lastId = () => (heard.length > 0 ? JSON.parse(heard.at(-1)!).id : 0);
    for (let i = 0; i < 50 && lastId() !== rows[1]!.id; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(lastId(), rows[1]!.id, "a NOTIFY names the newest event of the batch");
    const stored = await db.one<{ payload: unknown; decision_id: string }>(
      "select payload, decision_id from event_outbox where id = $1",
      [rows[1]!.id],
    );
    assert.deepEqual(
      stored,
      { payload: null, decision_id: breach.id },
      "the decision is referenced, not copied",
    );
  } finally {
    await listener.unlisten();
  }
});

Deno.test(`AuditWriter (${mode}) signs a checkpoint after 60 s on the injected clock, also for an idle tail`, async () => {
  await using db = await openTestDb();
  const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));
  await using w = await openTestWriter(db, { clock, checkpointTickMs: 10 });
  for (let i = 0; i < 5; i++) await w.writer.append(decision(i, { createdAt: clock.now() }));
  const cps = () => db.many<{ seq: number }>("select seq from audit_checkpoints order by seq");
  assert.deepEqual(await cps(), []);
  clock.advance(60_000);
  await w.writer.append(decision(6, { createdAt: clock.now() }));
  // Once 60 s have passed, the idle-tail tick (every 10 ms) may sign seq 5 before this append
  // flushes, or the append's flush signs seq 6: either is a checkpoint within 60 s.
  const [first] = (await cps()).map((c) => c.seq);
  assert.ok(first === 5 || first === 6, `first checkpoint at ${first}`);
  assert.equal((await cps()).length, 1);
  await w.writer.append(decision(7, { createdAt: clock.now() }));
  clock.advance(60_000);
  for (let i = 0; i < 100 && (await cps()).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual((await cps()).map((c) => c.seq), [first, 7]);
  const report = await verifyStoredChain(db, auditSignatureCheck(w.key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 7, checkpointsChecked: 2 });
});

Deno.test(`AuditWriter (${mode}): after the idle tick signed the tail, the next batch does not sign again`, async () => {
  await using db = await openTestDb();
  const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));
  await using w = await openTestWriter(db, { clock, checkpointTickMs: 10 });
  for (let i = 0; i < 5; i++) await w.writer.append(decision(i, { createdAt: clock.now() }));
  const cps = async () =>
    (await db.many<{ seq: number }>("select seq from audit_checkpoints order by seq")).map((c) => c.seq);
  clock.advance(60_000);
  for (let i = 0; i < 200 && (await cps()).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(await cps(), [5], "the tick signed the idle tail");
  await w.writer.append(decision(6, { createdAt: clock.now() }));
  await w.writer.append(decision(7, { createdAt: clock.now() }));
  assert.deepEqual(await cps(), [5], "the batches after it are not stale");
});

Deno.test(`AuditWriter (${mode}) rejects a record the database refuses, and keeps going`, async () => {
  await using db = await openTestDb();
  await using w = await openTestWriter(db, { checkpointTickMs: 0 });
  const bad = decision(1, { id: "not-a-uuid" as DecisionId });
  await assert.rejects(w.writer.append(bad), (error) => isAppError(error, "audit.write_failed"));
  await assert.rejects(w.writer.append(decision(2, { evaluatedRules: { n: 1n } })), (e) => isAppError(e));
  assert.equal((await w.writer.append(decision(3))).seq, 1);
  assert.equal(w.writer.isJournaling(), false);
});

Deno.test(`AuditWriter (${mode}) makes queued appends durable when disposed`, async () => {
  await using db = await openTestDb();
  const w = await openTestWriter(db, { checkpointTickMs: 0 });
  const pending = Array.from({ length: 700 }, (_, i) => w.writer.append(decision(i)));
  await w[Symbol.asyncDispose]();
  assert.equal((await Promise.all(pending)).filter((r) => r.durable === "database").length, 700);
  await assert.rejects(w.writer.append(decision(1)), (e) => isAppError(e, "audit.unavailable"));
  assert.equal((await seqs(db)).length, 700);
});

Deno.test({
  name: "AuditWriter (postgres) — two writers on two pools share one gap-free chain",
  ignore: mode !== "postgres",
  fn: async () => {
    const { adminUrl, template } = testPgSettings();
    const name = `t_${crypto.randomUUID().replaceAll("-", "")}`;
    await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name} template ${template}`));
    try {
      await using a = openPostgresDb({ url: databaseUrl(adminUrl, name), max: 4 });
      await using b = openPostgresDb({ url: databaseUrl(adminUrl, name), max: 4 });
      await using wa = await openTestWriter(a, { checkpointTickMs: 0 });
      await using wb = await openTestWriter(b, { checkpointTickMs: 0, signer: wa.key });
      const all = [];
      for (let wave = 0; wave < 10; wave++) {
        for (let i = 0; i < 100; i++) all.push((i % 2 ? wa : wb).writer.append(decision(wave * 100 + i)));
        await new Promise((r) => setTimeout(r, 1));
      }
      const receipts = await Promise.all(all);
      assert.deepEqual(
        receipts.map((r) => r.seq).sort((x, y) => x! - y!),
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
      const forks = await a.one<{ n: number }>(
        "select count(distinct prev_hash)::int as n from governance_decisions",
      );
      assert.equal(forks.n, 1000);
      const report = await verifyStoredChain(a, auditSignatureCheck(wa.key.publicKeyPem));
      assert.deepEqual(report, { ok: true, rowsChecked: 1000, checkpointsChecked: 1 });
    } finally {
      await withAdmin(adminUrl, (admin) => admin.exec(`drop database if exists ${name} with (force)`));
    }
  },
});
