-- A decision's outbox event is written after its commit instead of inside it (ISSUE 7). The event is
-- derived data (kind from policy and decision, the trace, a reference to the row), so it leaves the
-- one round trip a governed call waits for before dispatch: one INSERT and three index entries fewer
-- in the sequencer's transaction (one-row appends paced 2 ms apart, eight alternating pairs,
-- tests/bench/proto_append_strip.ts: database CPU 211 -> 176 µs, lower in every pair; p50 0.32 ->
-- 0.29 ms, p99 0.87 -> 0.66 ms). Nothing can be lost: `audit_event_cursor` holds the
-- newest seq whose event is in the outbox, and sp_audit_publish (run by every writer shortly after its
-- commits, at boot and at shutdown) gives every later decision its event, in chain order, and moves
-- the cursor in the same statement. Appends hold the sequencer's lock until they commit, so seq order
-- is commit order and a publisher never passes a decision it cannot see yet.

-- Appends in flight finish first, so every row below the cursor already has its event.
select pg_advisory_xact_lock(7385112003);

create table audit_event_cursor (
  singleton boolean primary key default true check (singleton),
  last_seq bigint not null
);
-- Only where decisions exist (they have their events): a fresh database's first publish creates the
-- row, so a restore into it loads the backup's own.
insert into audit_event_cursor (last_seq) select max(seq) from governance_decisions having count(*) > 0;

-- Nothing reads it (no sink marks events delivered yet) and every event paid for its entry.
drop index event_outbox_pending_idx;

create or replace function sp_audit_insert(p_batch jsonb) returns integer
language plpgsql volatile as $f$
declare
  n integer;
begin
  insert into governance_decisions (
    id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
    evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
    created_at, seq, prev_hash, row_hash
  )
  select
    id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
    evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
    created_at, seq, prev_hash, row_hash
  from jsonb_to_recordset(p_batch) as r (
    id uuid, user_id uuid, session_id text, tool_name text, agent_id text, agent_scope text,
    decision text, policy text, reason text, evaluated_rules jsonb, plugin_id text, actor_kind text,
    actor_id text, act_chain jsonb, context_id text, task_id text, trace_id text,
    created_at timestamptz, seq bigint, prev_hash text, row_hash text
  )
  order by seq;
  get diagnostics n = row_count;
  return n;
end
$f$;

-- Gives up to p_max decisions after the cursor their events (governance.breach for a secret_scan
-- deny, governance.decision otherwise), moves the cursor and nudges `sp_events` listeners once.
-- The cursor row is locked first, so publishers of several processes take turns and never publish
-- a decision twice. Returns how many it published (p_max: there may be more).
create function sp_audit_publish(p_max integer) returns integer
language plpgsql volatile as $f$
declare
  from_seq bigint;
  to_seq bigint;
  n integer;
  newest bigint;
begin
  select last_seq into from_seq from audit_event_cursor for update;
  if not found then
    insert into audit_event_cursor (last_seq) values (0) on conflict do nothing;
    select last_seq into from_seq from audit_event_cursor for update;
  end if;
  with picked as (
    select d.id, d.seq, d.policy, d.decision, d.trace_id, d.created_at
    from governance_decisions d
    where d.seq > from_seq
    order by d.seq
    limit p_max
  ), moved as (
    insert into event_outbox (kind, trace_id, decision_id, created_at)
    select
      case when p.policy = 'secret_scan' and p.decision = 'deny' then 'governance.breach'
        else 'governance.decision' end,
      p.trace_id, p.id, p.created_at
    from picked p
    order by p.seq
    returning id
  )
  select (select count(*)::int from moved), (select max(id) from moved), (select max(seq) from picked)
  into n, newest, to_seq;
  if n > 0 then
    update audit_event_cursor set last_seq = to_seq;
    perform pg_notify('sp_events', json_build_object('id', newest, 'kind', 'governance.decision', 'count', n)::text);
  end if;
  return n;
end
$f$;
