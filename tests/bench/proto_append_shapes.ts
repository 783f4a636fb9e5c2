/**
 * Not part of `deno task bench`: other shapes of the one-round-trip audit append, priced against the
 * shipped one (`sp_audit_append`, plpgsql, calling `sp_audit_insert`). One-row appends paced 2 ms apart,
 * database CPU per append: the plain INSERT of the same JSON (`proxy-floor-write`), the shipped
 * function, one flat plpgsql function with the INSERT inline, a `language sql` function, and a
 * single statement (lock and head check in CTEs; it cannot re-read the head after waiting for the
 * lock, so a head moved meanwhile would surface as a unique violation on `seq`, not as `false`).
 *
 * Usage: deno run -A tests/bench/proto_append_shapes.ts [appends per variant]
 */
import { appendAfter, appendChained, type ChainState, SEQUENCER_LOCK_KEY } from "@domain/audit/sequencer.ts";
import { chainBatch } from "@domain/audit/chain.ts";
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
const COLS = `id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
      evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
      created_at, seq, prev_hash, row_hash`;
const RS = `jsonb_to_recordset($4::jsonb) as r (
      id uuid, user_id uuid, session_id text, tool_name text, agent_id text, agent_scope text,
      decision text, policy text, reason text, evaluated_rules jsonb, plugin_id text, actor_kind text,
      actor_id text, act_chain jsonb, context_id text, task_id text, trace_id text,
      created_at timestamptz, seq bigint, prev_hash text, row_hash text)`;
const LEAN = `with head as (
  select 1 from (select pg_advisory_xact_lock($1::bigint)) l, governance_decisions d
  where d.seq = $2::bigint and d.row_hash = $3::text
), inserted as (
  insert into governance_decisions (${COLS})
  select ${COLS} from ${RS} where exists (select 1 from head) order by seq
  returning id, seq, policy, decision, trace_id
), events as (
  insert into event_outbox (kind, trace_id, decision_id)
  select case when i.policy = 'secret_scan' and i.decision = 'deny' then 'governance.breach'
    else 'governance.decision' end, i.trace_id, i.id
  from inserted i order by i.seq
)
select count(*)::int as appended from inserted`;
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
    const shipped = async () => {
      const done = await appendAfter(deps, state, [record()]);
      if (!done) throw new Error("declined");
      state = done.state;
    };
    const lean = (sql: string) => async () => {
      const { rows, json } = chainBatch([record()], state.head);
      await db.query(sql, [SEQUENCER_LOCK_KEY, state.head.seq, state.head.rowHash, json]);
      const tail = rows.at(-1)!;
      state = { head: { seq: tail.seq, rowHash: tail.rowHash }, last: state.last };
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
        `${name.padEnd(26)} p50 ${s.p50} p99 ${s.p99} client ${us(to.server - from.server)} µs db ${
          us(to.db - from.db)
        } µs`,
      );
    };
    await db.exec(
      `create function flat_append(p_lock bigint, p_expected_head bigint, p_expected_hash text, p_batch jsonb)
returns boolean language plpgsql volatile as $f$
declare head_seq bigint; head_hash text;
begin
  perform pg_advisory_xact_lock(p_lock);
  select seq, row_hash into head_seq, head_hash from governance_decisions order by seq desc limit 1;
  if head_seq is distinct from p_expected_head or head_hash is distinct from p_expected_hash then return false; end if;
  with inserted as (
    insert into governance_decisions (${COLS})
    select ${COLS} from ${RS.replace("$4::jsonb", "p_batch")} order by seq
    returning id, seq, policy, decision, trace_id
  )
  insert into event_outbox (kind, trace_id, decision_id)
    select case when i.policy = 'secret_scan' and i.decision = 'deny' then 'governance.breach'
      else 'governance.decision' end, i.trace_id, i.id
    from inserted i order by i.seq;
  return true;
end $f$`,
    );
    await db.exec(
      `create function sql_append(p_lock bigint, p_expected_head bigint, p_expected_hash text, p_batch jsonb)
returns bigint language sql volatile as $f$
  select pg_advisory_xact_lock(p_lock);
  with head as (
    select 1 from (select seq, row_hash from governance_decisions order by seq desc limit 1) h
    where h.seq = p_expected_head and h.row_hash = p_expected_hash
  ), inserted as (
    insert into governance_decisions (${COLS})
    select ${COLS} from ${RS.replace("$4::jsonb", "p_batch")} where exists (select 1 from head) order by seq
    returning id, seq, policy, decision, trace_id
  ), events as (
    insert into event_outbox (kind, trace_id, decision_id)
    select case when i.policy = 'secret_scan' and i.decision = 'deny' then 'governance.breach'
      else 'governance.decision' end, i.trace_id, i.id
    from inserted i order by i.seq
  )
  select count(*) from inserted;
$f$`,
    );
    for (let round = 0; round < 3; round++) {
      await measure("plain insert", plain);
      await measure("sp_audit_append (shipped)", shipped);
      await measure("single statement", lean(LEAN));
      await measure(
        "flat plpgsql",
        lean("select flat_append($1::bigint, $2::bigint, $3::text, $4::jsonb) as appended"),
      );
      await measure(
        "sql function",
        lean("select sql_append($1::bigint, $2::bigint, $3::text, $4::jsonb) as appended"),
      );
    }
    const c = await db.one<{ n: number }>("select count(*)::int as n from governance_decisions");
    const o = await db.one<{ n: number }>("select count(*)::int as n from event_outbox");
    console.log("rows", c.n, "outbox", o.n);
  } finally {
    await db.close();
    await scratch.drop();
  }
}
