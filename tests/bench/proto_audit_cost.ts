/**
 * Not part of `deno task bench`: what each piece of a decision's durable row costs PostgreSQL. One-row
 * `sp_audit_append` calls paced 2 ms apart (the llm suite's 500 req/s, where every call pays its own
 * round trip), measured as database CPU per append, against a plain INSERT of the same JSON into a
 * table with a key only (the llm suite's `proxy-floor-write`), and with each index removed in turn in a
 * scratch database to price it (the outbox event left the append in migration 0017:
 * proto_append_strip.ts prices it).
 *
 * Usage: deno run -A tests/bench/proto_audit_cost.ts [appends per variant]
 */
import { openAppendBench } from "./proto_append_bench.ts";

if (import.meta.main) {
  await using bench = await openAppendBench(Number(Deno.args[0] ?? 2000), 34);
  const { db, measure, plain, shipped } = bench;
  const steps: [string, string | undefined][] = [
    ["as shipped", undefined],
    ["without decisions' trace index", "drop index governance_decisions_trace_idx"],
    ["without decisions' user index", "drop index governance_decisions_user_idx"],
    ["without decisions' session index", "drop index governance_decisions_session_idx"],
  ];
  for (let round = 0; round < 2; round++) {
    await measure("plain insert (proxy-floor-write)", plain);
    await measure("sp_audit_append " + steps[0]![0], shipped);
  }
  for (const [name, ddl] of steps.slice(1)) {
    await db.exec(ddl!);
    await measure("sp_audit_append " + name, shipped);
    await measure("plain insert (proxy-floor-write)", plain);
  }
}
