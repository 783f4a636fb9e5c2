-- One round trip per governed call (ISSUE 7): a decision's charges travel with its audit row. Until
-- now a call that charges (a rate limit, a request quota, a budget reservation) waited for two
-- round trips before dispatch: the charges, then the durable decision row. Here a batch carries,
-- per row, the charges of each charging stage in chain order; under the sequencer's lock the
-- function runs each row's stages in order and appends the row only if every stage passes. A stage
-- charges all or nothing (its earlier charges are handed back when a later one fails); stages before
-- a refused one keep their charges, as they would at their turn; stages after it are not run. A
-- refused row is not appended, so the next one takes the next `seq` and the chain has no gap: the
-- database places each accepted row and hashes it.
--
-- A row travels once, as its canonical text (ARCHITECTURE §6) with `seq` written as 0: the columns
-- are read from that text and the hash is sha256_hex(canonical || prev_hash) with the row's `seq`
-- spliced in at the offset the writer gives (in characters: the text before the 0). What is stored
-- is therefore exactly what was hashed; verification recomputes it from the stored columns.
--
-- p_rows: the canonical texts, in order; p_at: each one's offset of `seq`; p_stages: null when no
-- row charges, else one element per row, null or [[charge, …] per stage], a charge being
-- {op: "rate", key, limit, window} or {op: "reserve", id, budgets, keys, windows, limits, enforce,
-- amount}; p_rate_keys: the rate charges' keys; p_reserves: whether any charge reserves. One result row per input row, in order: its `seq` and `row_hash` (null when refused),
-- the index of the refusing stage (null when appended) and every charge's result, stage by stage.
--
-- Locks, in the order every writer takes them: the sequencer's, then every rate-limit key of the
-- batch in hash order (as sp_rate_limit_charge_many), then the batch's existing budget windows in
-- key order (as the batched reservation and the settlement).

create function sp_charge_stage(p_ops jsonb)
returns table (passed boolean, results jsonb)
language plpgsql volatile as $$
declare
  op jsonb;
  rate record;
  res record;
  done jsonb := '[]';
  undo jsonb := '[]';
  u jsonb;
begin
  for op in select e from jsonb_array_elements(p_ops) e loop
    if op->>'op' = 'rate' then
      select * into rate from sp_rate_limit_charge(op->>'key', (op->>'limit')::integer, (op->>'window')::integer, false);
      done := done || jsonb_build_array(jsonb_build_object(
        'op', 'rate', 'allowed', rate.allowed, 'used', rate.used, 'retry_after_ms', rate.retry_after_ms));
      if rate.allowed then
        undo := undo || jsonb_build_array(op);
        continue;
      end if;
    elsif op->>'op' = 'reserve' then
      select * into res from sp_llm_budget_reserve(
        (op->>'id')::uuid,
        array(select jsonb_array_elements_text(op->'budgets')),
        array(select jsonb_array_elements_text(op->'keys')),
        array(select jsonb_array_elements_text(op->'windows')),
        array(select jsonb_array_elements_text(op->'limits'))::bigint[],
        array(select jsonb_array_elements_text(op->'enforce'))::boolean[],
        (op->>'amount')::bigint,
        false);
      done := done || jsonb_build_array(jsonb_build_object(
        'op', 'reserve', 'admitted', res.admitted, 'failed', res.failed, 'remaining_micros', res.remaining_micros,
        'retry_after_s', res.retry_after_s, 'shadow', to_jsonb(res.shadow)));
      if res.admitted then
        undo := undo || jsonb_build_array(op);
        continue;
      end if;
    else
      raise exception 'unknown charge op %', op->>'op' using errcode = '22023';
    end if;
    -- This charge refused: hand back what the stage charged before it.
    for u in select e from jsonb_array_elements(undo) e loop
      if u->>'op' = 'rate' then
        perform sp_rate_limit_refund(u->>'key');
      else
        perform sp_llm_budget_settle((u->>'id')::uuid, 0);
      end if;
    end loop;
    return query select false, done;
    return;
  end loop;
  return query select true, done;
end;
$$;

create function sp_audit_append_charged(
  p_lock bigint, p_rows text[], p_at integer[], p_stages jsonb, p_rate_keys text[], p_reserves boolean
)
returns table (ord integer, seq bigint, row_hash text, refused_stage integer, charges jsonb)
language plpgsql volatile as $f$
#variable_conflict use_column
declare
  n integer := coalesce(array_length(p_rows, 1), 0);
  h bigint;
  st jsonb;
  r record;
  v_seq bigint;
  v_hash text;
  seqs bigint[] := array_fill(null::bigint, array[n]);
  prevs text[] := array_fill(null::text, array[n]);
  hashes text[] := array_fill(null::text, array[n]);
  refused integer[] := array_fill(null::integer, array[n]);
  results jsonb[] := array_fill('[]'::jsonb, array[n]);
  i integer;
  k integer;
  added integer;
  last_event bigint;
begin
  perform pg_advisory_xact_lock(p_lock);
  for h in select distinct hashtextextended(k, 7385112) from unnest(p_rate_keys) k order by 1 loop
    perform pg_advisory_xact_lock(h);
  end loop;
  if p_reserves then
    perform 1 from llm_budget_windows w
      join (
        select distinct x.budget, x.subject_key,
          date_trunc(x.win, clock_timestamp() at time zone 'UTC') at time zone 'UTC' as window_start
        from jsonb_array_elements(p_stages) e,
          jsonb_array_elements(case jsonb_typeof(e) when 'array' then e else '[]'::jsonb end) s,
          jsonb_array_elements(s) c,
          unnest(
            array(select jsonb_array_elements_text(c->'budgets')),
            array(select jsonb_array_elements_text(c->'keys')),
            array(select jsonb_array_elements_text(c->'windows'))
          ) as x (budget, subject_key, win)
        where c->>'op' = 'reserve'
      ) want on w.budget = want.budget and w.subject_key = want.subject_key and w.window_start = want.window_start
      order by w.budget, w.subject_key, w.window_start
      for update of w;
  end if;
  select d.seq, d.row_hash into v_seq, v_hash from governance_decisions d order by d.seq desc limit 1;
  v_seq := coalesce(v_seq, 0);
  v_hash := coalesce(v_hash, repeat('0', 64));
  for i in 1..n loop
    if p_stages is not null and jsonb_typeof(p_stages->(i - 1)) = 'array' then
      k := 0;
      for st in select s from jsonb_array_elements(p_stages->(i - 1)) s loop
        select * into r from sp_charge_stage(st);
        results[i] := results[i] || jsonb_build_array(r.results);
        if not r.passed then
          refused[i] := k;
          exit;
        end if;
        k := k + 1;
      end loop;
      continue when refused[i] is not null;
    end if;
    v_seq := v_seq + 1;
    seqs[i] := v_seq;
    prevs[i] := v_hash;
    v_hash := encode(sha256(convert_to(
      left(p_rows[i], p_at[i]) || v_seq::text || substr(p_rows[i], p_at[i] + 2) || v_hash, 'UTF8')), 'hex');
    hashes[i] := v_hash;
  end loop;
  with inserted as (
    insert into governance_decisions (
      id, user_id, session_id, tool_name, agent_id, agent_scope, decision, policy, reason,
      evaluated_rules, plugin_id, actor_kind, actor_id, act_chain, context_id, task_id, trace_id,
      created_at, seq, prev_hash, row_hash
    )
    select
      c.id, c.user_id, c.session_id, c.tool_name, c.agent_id, c.agent_scope, c.decision, c.policy, c.reason,
      c.evaluated_rules, c.plugin_id, c.actor_kind, c.actor_id, c.act_chain, c.context_id, c.task_id, c.trace_id,
      c.created_at, a.seq, a.prev_hash, a.row_hash
    from unnest(p_rows, seqs, prevs, hashes) as a (canon, seq, prev_hash, row_hash)
    cross join lateral jsonb_to_record(a.canon::jsonb) as c (
      id uuid, user_id uuid, session_id text, tool_name text, agent_id text, agent_scope text,
      decision text, policy text, reason text, evaluated_rules jsonb, plugin_id text, actor_kind text,
      actor_id text, act_chain jsonb, context_id text, task_id text, trace_id text, created_at timestamptz
    )
    where a.seq is not null
    order by a.seq
    returning id, seq, policy, decision, trace_id
  ), events as (
    insert into event_outbox (kind, trace_id, decision_id)
    select
      case when ins.policy = 'secret_scan' and ins.decision = 'deny' then 'governance.breach'
        else 'governance.decision' end,
      ins.trace_id,
      ins.id
    from inserted ins order by ins.seq
    returning id
  )
  select count(*)::int, max(id) into added, last_event from events;
  if added > 0 then
    perform pg_notify('sp_events', json_build_object('id', last_event, 'kind', 'governance.decision', 'count', added)::text);
  end if;
  return query select u.n::integer, u.seq, u.row_hash, u.refused, u.results
    from unnest(seqs, hashes, refused, results) with ordinality as u (seq, row_hash, refused, results, n)
    order by u.n;
end
$f$;
