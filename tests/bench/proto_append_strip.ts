/**
 * Not part of `deno task bench`: what the decision's outbox event cost the one round trip a governed
 * call waits for. One-row `sp_audit_append` calls paced 2 ms apart (the llm suite's 500 req/s), with
 * `sp_audit_insert` as migration 0016 left it (the event inserted in the decision's transaction)
 * and as migration 0017 ships it (the row alone; the event is published after the commit),
 * alternating in one scratch database: latency, client and database CPU per append.
 *
 * Usage: deno run -A tests/bench/proto_append_strip.ts [appends per measurement]
 */
import before from "@sql/migrations/0016_audit_event_nudge.sql" with { type: "text" };
import shipped0017 from "@sql/migrations/0017_decision_events_published.sql" with { type: "text" };
import { openAppendBench } from "./proto_append_bench.ts";

/** The migration's `sp_audit_insert` definition alone (the rest of it ran once already). */
function insertFunctionOf(migration: string): string {
  const start = migration.indexOf("create or replace function sp_audit_insert");
  const end = migration.indexOf("$f$;", start);
  if (start < 0 || end < 0) throw new Error("no sp_audit_insert definition in the migration");
  return migration.slice(start, end + "$f$;".length);
}

/** The outbox index 0017 dropped (every event paid for an entry nothing read). */
const PENDING_INDEX = "create index event_outbox_pending_idx on event_outbox (id) where delivered_at is null";

if (import.meta.main) {
  await using bench = await openAppendBench(Number(Deno.args[0] ?? 1500), 40);
  const { db, measure, shipped } = bench;
  const after = insertFunctionOf(shipped0017);
  for (let round = 0; round < 8; round++) {
    await db.exec(before);
    await db.exec(PENDING_INDEX);
    await measure("event in the transaction (0016)", shipped);
    await db.exec(after);
    await db.exec("drop index event_outbox_pending_idx");
    await measure("row alone (0017)", shipped);
  }
}
