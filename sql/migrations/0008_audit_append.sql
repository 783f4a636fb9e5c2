-- One round trip per audit batch (ISSUE 9). The writer remembers the chain head it last committed
-- and sends the next chained batch as one call of sp_audit_append, which takes the sequencer's
-- advisory lock, checks that the head is still the one the batch was chained after (another
-- process may have appended meanwhile: then it writes nothing and the writer re-reads the head and
-- re-chains) and inserts the batch. sp_audit_insert is the insert itself (decision rows, one outbox
-- event and one NOTIFY per decision), shared with the writer's full path; as plpgsql statements
-- both are planned once per connection.

create function sp_audit_insert(p_batch jsonb) returns integer
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
  select count(pg_notify('sp_events', json_build_object('id', e.id, 'kind', e.kind)::text))::int
    into n from events e;
  return n;
end
$f$;

create function sp_audit_append(p_lock bigint, p_expected_head bigint, p_batch jsonb) returns boolean
language plpgsql volatile as $f$
declare
  head bigint;
begin
  perform pg_advisory_xact_lock(p_lock);
  select coalesce(max(seq), 0) into head from governance_decisions;
  if head <> p_expected_head then
    return false;
  end if;
  perform sp_audit_insert(p_batch);
  return true;
end
$f$;
