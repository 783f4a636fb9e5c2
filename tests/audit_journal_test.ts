import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRecord } from "@domain/audit/codec.ts";
import { verifyStoredChain } from "@domain/audit/mod.ts";
import { auditSignatureCheck } from "@infra/audit/audit_key.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import type { Db } from "@infra/db/db.ts";
import { isAppError } from "@shared/errors.ts";
import { decision, openTestWriter, unpluggableDb } from "./support/audit.ts";
import { openTestDb, testDbMode } from "./support/db.ts";

const mode = testDbMode();

async function journalLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const owner of Deno.readDir(dir)) {
    for await (const file of Deno.readDir(join(dir, owner.name))) {
      if (!file.name.endsWith(".jsonl")) continue;
      const text = await Deno.readTextFile(join(dir, owner.name, file.name));
      lines.push(...text.split("\n").filter((l) => l !== ""));
    }
  }
  return lines;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function traceOrder(db: Db): Promise<string[]> {
  return (await db.many<{ trace_id: string }>("select trace_id from governance_decisions order by seq"))
    .map((r) => r.trace_id);
}

Deno.test(`AuditWriter (${mode}) journals while the database is down and replays in order when it is back`, async () => {
  await using db = await openTestDb();
  const plug = unpluggableDb(db);
  await using w = await openTestWriter(plug.db, { checkpointTickMs: 0 });
  assert.equal((await w.writer.append(decision(1))).durable, "database");
  plug.setDown(true);
  const down = await Promise.all([2, 3, 4].map((n) => w.writer.append(decision(n))));
  assert.deepEqual(down, [2, 3, 4].map(() => ({ seq: null, durable: "journal" })));
  assert.equal(w.writer.isJournaling(), true);
  const onDisk = await journalLines(w.journalDir);
  assert.deepEqual(onDisk.map((l) => JSON.parse(l).trace_id), ["trace_2", "trace_3", "trace_4"]);
  assert.ok(w.writer.journalBytes() > 0);
  const stillDown = await w.writer.append(decision(5));
  assert.equal(stillDown.durable, "journal");

  plug.setDown(false);
  const afterwards = w.writer.append(decision(6));
  await until(() => !w.writer.isJournaling(), "the journal to drain");
  await afterwards;
  assert.deepEqual(await traceOrder(db), ["trace_1", "trace_2", "trace_3", "trace_4", "trace_5", "trace_6"]);
  assert.deepEqual(await journalLines(w.journalDir), []);
  assert.equal(w.writer.journalBytes(), 0);
  assert.equal((await w.writer.append(decision(7))).seq, 7);
  const report = await verifyStoredChain(db, auditSignatureCheck(w.key.publicKeyPem));
  assert.deepEqual(report, { ok: true, rowsChecked: 7, checkpointsChecked: 0 });
});

Deno.test(`AuditWriter (${mode}) rejects appends once the journal is full (the caller denies)`, async () => {
  await using db = await openTestDb();
  const plug = unpluggableDb(db);
  const line = JSON.stringify(encodeRecord(decision(1)));
  await using w = await openTestWriter(plug.db, { checkpointTickMs: 0, journalMaxBytes: line.length * 3 });
  plug.setDown(true);
  assert.equal((await w.writer.append(decision(1))).durable, "journal");
  assert.equal((await w.writer.append(decision(2))).durable, "journal");
  await assert.rejects(
    Promise.all([w.writer.append(decision(3)), w.writer.append(decision(4))]),
    (error) => isAppError(error, "audit.journal_full"),
  );
  plug.setDown(false);
  await until(() => !w.writer.isJournaling(), "the journal to drain");
  assert.deepEqual(await traceOrder(db), ["trace_1", "trace_2"]);
});

Deno.test(`AuditWriter (${mode}) replays a dead process's journal at start-up, skipping a torn last line`, async () => {
  await using db = await openTestDb();
  const journalDir = await Deno.makeTempDir({ prefix: "sp_journal_" });
  try {
    const plug = unpluggableDb(db);
    plug.setDown(true);
    const first = await openTestWriter(plug.db, { checkpointTickMs: 0, journalDir });
    await Promise.all([1, 2, 3].map((n) => first.writer.append(decision(n))));
    await first[Symbol.asyncDispose](); // gives up while the database is still down
    const [owner] = await Array.fromAsync(Deno.readDir(journalDir));
    const segment = join(journalDir, owner!.name, "00000001.jsonl");
    await Deno.writeTextFile(segment, '{"id":"torn', { append: true });
    const replayedTwice = JSON.stringify(encodeRecord(decision(4)));
    await Deno.writeTextFile(
      join(journalDir, owner!.name, "00000002.jsonl"),
      `${replayedTwice}\n${replayedTwice}\n`,
    );

    await using second = await openTestWriter(db, { checkpointTickMs: 0, journalDir });
    await until(() => !second.writer.isJournaling(), "start-up replay");
    assert.deepEqual(await traceOrder(db), ["trace_1", "trace_2", "trace_3", "trace_4"]);
    const left = (await Array.fromAsync(Deno.readDir(journalDir))).map((e) => e.name);
    assert.ok(!left.includes(owner!.name), "the dead process's journal is removed once replayed");
    const report = await verifyStoredChain(db, auditSignatureCheck(second.key.publicKeyPem));
    assert.equal(report.ok, true);
  } finally {
    await Deno.remove(journalDir, { recursive: true });
  }
});

Deno.test(`AuditWriter (${mode}) treats an unreachable PostgreSQL server as down`, async () => {
  await using dead = openPostgresDb({
    url: "postgres://nobody@127.0.0.1:1/nothing",
    max: 1,
    connectTimeoutSeconds: 2,
  });
  await using w = await openTestWriter(dead, { checkpointTickMs: 0, retryInitialMs: 1_000 });
  assert.deepEqual(await w.writer.append(decision(1)), { seq: null, durable: "journal" });
});
