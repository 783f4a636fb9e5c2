import assert from "node:assert/strict";
import { decision, openTestWriter } from "./support/audit.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

Deno.test(`AuditWriter (${mode}) announces many commits with one nudge naming the newest event`, async () => {
  await using db = await openTestDb();
  const heard: { id: number; kind: string }[] = [];
  const listener = await db.listen("sp_events", (payload) => heard.push(JSON.parse(payload)));
  try {
    const w = await openTestWriter(db, { checkpointTickMs: 0, eventNudgeMs: 5_000 });
    try {
      // Twenty commits one after the other: each was its own NOTIFY before migration 0016.
      for (let n = 1; n <= 20; n++) assert.equal((await w.writer.append(decision(n))).seq, n);
      const { events } = await db.one<{ events: number }>("select count(*)::int as events from event_outbox");
      assert.equal(events, 20, "every decision's event is in the outbox at its commit");
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(heard, [], "the nudge waits for its delay, however many commits came first");
    } finally {
      await w[Symbol.asyncDispose](); // a waiting nudge is sent on the way out
    }
    await until(() => heard.length > 0);
    const { newest } = await db.one<{ newest: number }>("select max(id)::int8 as newest from event_outbox");
    assert.deepEqual(heard, [{ id: newest, kind: "governance.decision" }]);
  } finally {
    await listener.unlisten();
  }
});

Deno.test(`AuditWriter (${mode}) nudges listeners within its delay after a commit`, async () => {
  await using db = await openTestDb();
  const heard: number[] = [];
  const listener = await db.listen("sp_events", (payload) => heard.push(JSON.parse(payload).id));
  try {
    await using w = await openTestWriter(db, { checkpointTickMs: 0, eventNudgeMs: 20 });
    await w.writer.append(decision(1));
    const first = await db.one<{ id: number }>("select max(id)::int8 as id from event_outbox");
    await until(() => heard.includes(first.id));
    assert.deepEqual(heard, [first.id]);
    await w.writer.append(decision(2));
    const second = await db.one<{ id: number }>("select max(id)::int8 as id from event_outbox");
    await until(() => heard.includes(second.id));
    assert.deepEqual(heard, [first.id, second.id], "a later commit gets a nudge of its own");
  } finally {
    await listener.unlisten();
  }
});
