/**
 * Not part of `deno task bench`: what each piece of a decision's durable row costs PostgreSQL. One-row
 * `sp_audit_append` calls paced 2 ms apart (the llm suite's 500 req/s, where every call pays its own
 * round trip), measured as database CPU per append, against a plain INSERT of the same JSON into a
 * table with a key only (the llm suite's `proxy-floor-write`), and with parts of the schema removed in a
 * scratch database (outbox row, each index) to price them.
 *
 * Usage: deno run -A tests/bench/proto_audit_cost.ts [appends per variant]
 */
import { appendAfter, appendChained, type ChainState } from "@domain/audit/sequencer.ts";
import { DEFAULT_CHECKPOINT_POLICY } from "@domain/audit/checkpoint.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { migrate } from "@infra/db/migrate.ts";
import { systemClock } from "@shared/clock.ts";
import { startPgServer } from "../support/pg_server.ts";
import { createDatabase, postmasterPid } from "./bench_env.ts";
import { createHistogram, summarize } from "./hdr.ts";
import { markCpu } from "./proc_stats.ts";
import { record } from "./proto_append.ts";

const pace = () => new Promise((r) => setTimeout(r, 2));

if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 2000);
  await using pg = await startPgServer();
  const scratch = await createDatabase(pg);
  const db = openPostgresDb({ url: scratch.url, max: 4 });
  try {
    await migrate(db);
    await db.exec(
      "create table plain_rows (id bigint generated always as identity primary key, payload jsonb)",
    );
    const postmaster = await postmasterPid(pg);
    const signer = { keyId: "proto", sign: () => "unsigned" };
    const deps = {
      db,
      signer,
      clock: systemClock,
      policy: { ...DEFAULT_CHECKPOINT_POLICY, everyRows: 1e9, maxAgeMs: 1e9 },
    };
    let state: ChainState = (await appendChained(deps, [record()], { dedupe: false })).state;
    const append = async () => {
      const done = await appendAfter(deps, state, [record()]);
      if (!done) throw new Error("the one-round-trip path declined");
      state = done.state;
    };
    const plain = async () => {
      await db.one("insert into plain_rows (payload) values ($1::jsonb) returning id", [
        JSON.stringify(record()),
      ]);
    };
    const measure = async (name: string, run: () => Promise<void>) => {
      const h = createHistogram();
      const from = await markCpu(Deno.pid, postmaster);
      for (let i = 0; i < n; i++) {
        await pace();
        const started = performance.now();
        await run();
        h.record(performance.now() - started);
      }
      const to = await markCpu(Deno.pid, postmaster);
      const us = (seconds: number) => Math.round((seconds * 1e6) / n);
      const s = summarize(h);
      console.log(
        `${name.padEnd(34)} p50 ${s.p50} ms  p99 ${s.p99} ms  client cpu ${
          us(to.server - from.server)
        } µs  ` +
          `db cpu ${us(to.db - from.db)} µs`,
      );
    };
    const steps: [string, string | undefined][] = [
      ["as shipped", undefined],
      ["without the outbox trace index", "drop index event_outbox_trace_idx"],
      ["without the outbox pending index", "drop index event_outbox_pending_idx"],
      ["without decisions' trace index", "drop index governance_decisions_trace_idx"],
      ["without decisions' user index", "drop index governance_decisions_user_idx"],
      ["without decisions' session index", "drop index governance_decisions_session_idx"],
    ];
    for (let round = 0; round < 2; round++) {
      await measure("plain insert (proxy-floor-write)", plain);
      await measure("sp_audit_append " + steps[0]![0], append);
    }
    for (const [name, ddl] of steps.slice(1)) {
      await db.exec(ddl!);
      await measure("sp_audit_append " + name, append);
      await measure("plain insert (proxy-floor-write)", plain);
    }
  } finally {
    await db.close();
    await scratch.drop();
  }
}
