-- The one-round-trip append inserts its batch itself instead of calling sp_audit_insert (ISSUE 7):
-- the nested plpgsql call was ~20 µs of the ~140 µs of execution every governed call waits for before
-- dispatch. Paced two-row appends, four alternating rounds (session fourteen): p50 0.26-0.29 against
-- 0.29-0.32 ms, PostgreSQL CPU 165-175 against 175-190 µs. sp_audit_insert stays for the full path
-- (insert_decisions.sql); the two column lists must agree, and a row either path stores is verified
-- against its hash by `audit verify` and tests/audit_sequencer_test.ts.

create or replace function sp_audit_append(
  p_lock bigint, p_expected_head bigint, p_expected_hash text, p_batch jsonb, p_checkpoints jsonb
)
returns boolean
language plpgsql volatile as $f$
declare
  head_seq bigint;
  head_hash text;
begin
  perform pg_advisory_xact_lock(p_lock);
  select seq, row_hash into head_seq, head_hash from governance_decisions order by seq desc limit 1;
  if head_seq is distinct from p_expected_head or head_hash is distinct from p_expected_hash then
    return false;
  end if;
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
  if p_checkpoints is not null then
    insert into audit_checkpoints (seq, row_hash, signed_at, key_id, signature)
    select seq, row_hash, signed_at, key_id, signature
    from jsonb_to_recordset(p_checkpoints) as c (
      seq bigint, row_hash text, signed_at timestamptz, key_id text, signature text
    )
    on conflict (seq) do nothing;
  end if;
  return true;
end
$f$;
