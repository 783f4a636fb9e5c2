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
import { SEQUENCER_LOCK_KEY } from "@domain/audit/sequencer.ts";
import { chainBatch } from "@domain/audit/chain.ts";
import { openAppendBench } from "./proto_append_bench.ts";
import { record } from "./proto_append.ts";

const COLS = `id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
      evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
      created_at, seq, prev_hash, row_hash`;
/** The batch's rows from its JSON (`batch`: a parameter or an argument name). */
const rowsOf = (batch: string) =>
  `jsonb_to_recordset(${batch}) as r (
      id uuid, user_id uuid, session_id text, tool_name text, agent_id text, agent_scope text,
      decision text, policy text, reason text, evaluated_rules jsonb, plugin_id text, actor_kind text,
      actor_id text, act_chain jsonb, context_id text, task_id text, trace_id text,
      created_at timestamptz, seq bigint, prev_hash text, row_hash text)`;
/**
 * The decisions `where` admits, as the shipped function inserts them (their outbox events are
 * published after the commit since migration 0017; session eight's figures included them).
 */
const insertBatch = (batch: string, where: string) =>
  `inserted as (
    insert into governance_decisions (${COLS})
    select ${COLS} from ${rowsOf(batch)} where ${where} order by seq
    returning id
  )`;
const SINGLE = `with head as (
    select 1 from (select pg_advisory_xact_lock($1::bigint)) l, governance_decisions d
    where d.seq = $2::bigint and d.row_hash = $3::text
  ), ${insertBatch("$4::jsonb", "exists (select 1 from head)")}
  select count(*)::int as appended from inserted`;
const FLAT_PLPGSQL = `create function flat_append(p_lock bigint, p_head bigint, p_hash text, p_batch jsonb)
  returns boolean language plpgsql volatile as $f$
  declare head_seq bigint; head_hash text; n bigint;
  begin
    perform pg_advisory_xact_lock(p_lock);
    select seq, row_hash into head_seq, head_hash from governance_decisions order by seq desc limit 1;
    if head_seq is distinct from p_head or head_hash is distinct from p_hash then return false; end if;
    with ${insertBatch("p_batch", "true")} select count(*) into n from inserted;
    return true;
  end $f$`;
const SQL_FUNCTION = `create function sql_append(p_lock bigint, p_head bigint, p_hash text, p_batch jsonb)
  returns bigint language sql volatile as $f$
    select pg_advisory_xact_lock(p_lock);
    with head as (
      select 1 from (select seq, row_hash from governance_decisions order by seq desc limit 1) h
      where h.seq = p_head and h.row_hash = p_hash
    ), ${insertBatch("p_batch", "exists (select 1 from head)")}
    select count(*) from inserted;
  $f$`;

if (import.meta.main) {
  await using bench = await openAppendBench(Number(Deno.args[0] ?? 2000), 26);
  const { db, measure } = bench;
  /** One row chained after the bench's head and sent with `sql` ($1 lock, $2 head seq, $3 head hash, $4 batch). */
  const chained = (sql: string) => async () => {
    const { rows, json } = chainBatch([record()], bench.state.head);
    await db.query(sql, [SEQUENCER_LOCK_KEY, bench.state.head.seq, bench.state.head.rowHash, json]);
    const tail = rows.at(-1)!;
    bench.state = { head: { seq: tail.seq, rowHash: tail.rowHash }, last: bench.state.last };
  };
  await db.exec(FLAT_PLPGSQL);
  await db.exec(SQL_FUNCTION);
  const call = (fn: string) => `select ${fn}($1::bigint, $2::bigint, $3::text, $4::jsonb) as appended`;
  for (let round = 0; round < 3; round++) {
    await measure("plain insert", bench.plain);
    await measure("sp_audit_append (shipped)", bench.shipped);
    await measure("single statement", chained(SINGLE));
    await measure("flat plpgsql", chained(call("flat_append")));
    await measure("sql function", chained(call("sql_append")));
  }
  const rows = await db.one<{ n: number }>("select count(*)::int as n from governance_decisions");
  console.log(`rows ${rows.n}`);
}
