import assert from "node:assert/strict";
import { appendChained } from "@domain/audit/sequencer.ts";
import { DEFAULT_CHECKPOINT_POLICY } from "@domain/audit/mod.ts";
import { normalizeDecision } from "@domain/audit/normalize.ts";
import { systemClock } from "@shared/clock.ts";
import { silentLogger } from "@shared/logger.ts";
import { decision, newAuditKey, openTestWriter } from "./support/audit.ts";
import { openTestDb, testDbMode } from "./support/db.ts";
import type { Db } from "@infra/db/db.ts";

const mode = testDbMode();

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

async function outbox(db: Db) {
  return await db.many<{ id: number; kind: string; decision_id: string; seq: number }>(
    `select o.id::int8 as id, o.kind, o.decision_id::text as decision_id, d.seq::int8 as seq
     from event_outbox o join governance_decisions d on d.id = o.decision_id order by o.id`,
  );
}

Deno.test(`AuditWriter (${mode}) publishes many commits' events with one statement and one nudge, in chain order`, async () => {
  await using db = await openTestDb();
  const heard: { id: number; kind: string; count: number }[] = [];
  const listener = await db.listen("sp_events", (payload) => heard.push(JSON.parse(payload)));
  try {
    const w = await openTestWriter(db, { checkpointTickMs: 0, eventPublishMs: 5_000 });
    const breach = decision(7, {
      decision: "deny",
      policy: "secret_scan",
      reason: "secret detected: AWS Access Key",
    });
    try {
      for (let n = 1; n <= 20; n++) {
        const record = n === 7 ? breach : decision(n);
        assert.equal((await w.writer.append(record)).seq, n);
      }
      assert.deepEqual(await outbox(db), [], "the events follow the commits, off the caller's round trip");
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(heard, [], "the publish waits for its delay, however many commits came first");
    } finally {
      await w[Symbol.asyncDispose](); // a waiting publish runs on the way out
    }
    const events = await outbox(db);
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(
      events.map((e) => e.kind),
      events.map((e) => e.decision_id === breach.id ? "governance.breach" : "governance.decision"),
    );
    assert.equal(events.filter((e) => e.kind === "governance.breach").length, 1);
    await until(() => heard.length > 0);
    assert.deepEqual(heard, [{ id: events.at(-1)!.id, kind: "governance.decision", count: 20 }]);
  } finally {
    await listener.unlisten();
  }
});

Deno.test(`AuditWriter (${mode}) publishes within its delay after a commit, and on demand`, async () => {
  await using db = await openTestDb();
  const heard: number[] = [];
  const listener = await db.listen("sp_events", (payload) => heard.push(JSON.parse(payload).id));
  try {
    await using w = await openTestWriter(db, { checkpointTickMs: 0, eventPublishMs: 20 });
    await w.writer.append(decision(1));
    await until(() => heard.length === 1);
    const [first] = await outbox(db);
    assert.deepEqual(heard, [first!.id]);
    await w.writer.append(decision(2));
    await until(() => heard.length === 2);
    assert.deepEqual(heard, (await outbox(db)).map((e) => e.id), "a later commit gets a publish of its own");

    await using slow = await openTestWriter(db, { checkpointTickMs: 0, eventPublishMs: 60_000 });
    await slow.writer.append(decision(3));
    await slow.writer.publishEvents();
    assert.deepEqual((await outbox(db)).map((e) => e.seq), [1, 2, 3]);
  } finally {
    await listener.unlisten();
  }
});

Deno.test(`AuditWriter (${mode}) publishes what another writer left unpublished, once, even when two publish at once`, async () => {
  await using db = await openTestDb();
  // Decisions committed by a writer that died before publishing: the sequencer alone.
  const deps = { db, signer: newAuditKey(), clock: systemClock, policy: DEFAULT_CHECKPOINT_POLICY };
  const records = Array.from({ length: 30 }, (_, i) => normalizeDecision(decision(i + 1)));
  await appendChained(deps, records, { dedupe: false });
  assert.deepEqual(await outbox(db), []);
  await using a = await openTestWriter(db, { checkpointTickMs: 0, eventPublishMs: 60_000 });
  await using b = await openTestWriter(db, { checkpointTickMs: 0, eventPublishMs: 60_000 });
  await Promise.all([a.writer.publishEvents(), b.writer.publishEvents(), a.writer.publishEvents()]);
  const events = await outbox(db);
  assert.deepEqual(
    events.map((e) => e.seq),
    Array.from({ length: 30 }, (_, i) => i + 1),
    "each exactly once",
  );
  const cursor = await db.one<{ last_seq: number }>(
    "select last_seq::int8 as last_seq from audit_event_cursor",
  );
  assert.equal(cursor.last_seq, 30);
});

Deno.test(`AuditWriter (${mode}) retries a failed publish on its own, and says so in the log`, async () => {
  await using db = await openTestDb();
  let failures = 2;
  const flaky: Db = {
    ...db,
    one: (text, params) =>
      text.includes("sp_audit_publish") && failures-- > 0
        ? Promise.reject(new Error("connection reset"))
        : db.one(text, params),
  };
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (event: string) => void warnings.push(event) };
  await using w = await openTestWriter(flaky, { checkpointTickMs: 0, eventPublishMs: 20, log });
  await w.writer.append(decision(1));
  await until(() => warnings.length === 2, 5_000);
  assert.deepEqual(warnings, ["audit.event_publish_failed", "audit.event_publish_failed"]);
  assert.deepEqual(await outbox(db), [], "nothing published yet");
  await until(() => failures < 0, 5_000); // the second retry comes ~2 s after the first failure
  await w.writer.publishEvents();
  assert.deepEqual((await outbox(db)).map((e) => e.seq), [1]);
});
