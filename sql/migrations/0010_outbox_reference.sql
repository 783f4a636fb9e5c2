-- Governance events reference their decision instead of copying it (ISSUE 9). Until now every
-- decision was written twice: its row, and the same row again as the outbox event's payload
-- (to_jsonb), which was ~45 % of the database's work per decision. A governance event now carries
-- the decision's id and no payload; the event_feed view rebuilds the payload from the (immutable)
-- decision row, so readers see exactly what they saw before. A batch also sends one NOTIFY (the
-- feed's listeners only need a nudge: they read the outbox after the id they last delivered).

alter table event_outbox add column decision_id uuid;
alter table event_outbox alter column payload drop not null;
alter table event_outbox add constraint event_outbox_payload_or_decision
  check (payload is not null or decision_id is not null);

create view event_feed as
select o.id, o.kind, o.trace_id, coalesce(o.payload, to_jsonb(d)) as payload, o.created_at, o.delivered_at
from event_outbox o
left join governance_decisions d on d.id = o.decision_id;

create or replace function sp_audit_insert(p_batch jsonb) returns integer
language plpgsql volatile as $f$
declare
  n integer;
  last_id bigint;
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
  select count(*)::int, max(id) into n, last_id from events;
  if n > 0 then
    perform pg_notify('sp_events', json_build_object('id', last_id, 'kind', 'governance.decision', 'count', n)::text);
  end if;
  return n;
end
$f$;
