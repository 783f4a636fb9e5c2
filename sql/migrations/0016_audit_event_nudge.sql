-- Decisions no longer NOTIFY in their own transaction (ISSUE 7). The outbox event stays in the
-- decision's transaction (durable with it, nothing lost); the NOTIFY is only a nudge for listeners
-- (SSE feeds, other replicas), which read the outbox after the last id they delivered. Sent at every
-- commit it cost each governed call ~0.1-0.2 ms of its one round trip before dispatch and woke every
-- listening backend once per decision; the audit writer now sends one coalesced nudge after its
-- commits (at most one per 20 ms per process, sql/queries/audit/nudge_events.sql).

create or replace function sp_audit_insert(p_batch jsonb) returns integer
language plpgsql volatile as $f$
declare
  n integer;
begin
  with batch as (
    select * from jsonb_to_recordset(p_batch) as r (
      id uuid, user_id uuid, session_id text, tool_name text, agent_id text, agent_scope text,
      decision text, policy text, reason text, evaluated_rules jsonb, plugin_id text, actor_kind text,
      actor_id text, act_chain jsonb, context_id text, task_id text, trace_id text,
      created_at timestamptz, seq bigint, prev_hash text, row_hash text
    )
  ), inserted as (
    insert into governance_decisions (
      id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
      evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
      created_at, seq, prev_hash, row_hash
    )
    select
      id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
      evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
      created_at, seq, prev_hash, row_hash
    from batch order by seq
    returning id, seq, policy, decision, trace_id
  ), events as (
    insert into event_outbox (kind, trace_id, decision_id)
    select
      case when i.policy = 'secret_scan' and i.decision = 'deny' then 'governance.breach'
        else 'governance.decision' end,
      i.trace_id,
      i.id
    from inserted i order by i.seq
    returning id
  )
  select count(*)::int into n from events;
  return n;
end
$f$;
