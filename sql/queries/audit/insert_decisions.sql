-- One chained batch: a single multi-row INSERT, one outbox event per decision, one NOTIFY per event.
with batch as (
  select * from jsonb_to_recordset($1::jsonb) as r (
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
  returning *
), events as (
  insert into event_outbox (kind, trace_id, payload)
  select
    case when i.policy = 'secret_scan' and i.decision = 'deny' then 'governance.breach'
      else 'governance.decision' end,
    i.trace_id,
    to_jsonb(i)
  from inserted i order by i.seq
  returning id, kind
)
select count(pg_notify('sp_events', json_build_object('id', e.id, 'kind', e.kind)::text))::int as events
from events e
