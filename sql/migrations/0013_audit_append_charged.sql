-- One round trip per governed call (ISSUE 7): a decision's charges travel with its audit row. Until
-- now a call that charges (a rate limit, a request quota, a budget reservation) waited for two
-- round trips before dispatch: the charges, then the durable decision row. Here each entry of the
-- batch carries its row and, per charging stage in chain order, the charges that stage makes; under
-- the sequencer's lock the function runs each entry's stages in order and appends the row only if
-- every stage passes. A stage charges all or nothing (its earlier charges are handed back when a
-- later one fails); stages before a refused one keep their charges, as they would at their turn;
-- stages after it are not run. A refused entry appends nothing, so the writer's next row takes the
-- next `seq` and the chain has no gap: the database places each accepted row and hashes it.
--
-- The hash is the chain's own (ARCHITECTURE §6): sha256_hex(canonical(row) || prev_hash). The
-- writer sends the canonical text split around the value of `seq` (`canon_head`, `canon_tail`), so
-- the database only splices the number in; verification recomputes it from the stored columns.
--
-- Entry: the row's columns (as sp_audit_insert reads them) plus `canon_head`, `canon_tail` and
-- `stages`: [[{op: "rate", key, limit, window} | {op: "reserve", id, budgets, keys, windows,
-- limits, enforce, amount}, …], …]. One result row per entry, in order: its `seq` and `row_hash`
-- (null when refused), the index of the refusing stage (null when appended) and every charge's
-- result, stage by stage.
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

create function sp_audit_append_charged(p_lock bigint, p_batch jsonb)
returns table (ord integer, seq bigint, row_hash text, refused_stage integer, charges jsonb)
language plpgsql volatile as $f$
declare
  h bigint;
  e record;
  st record;
  v_seq bigint;
  v_hash text;
  v_new text;
  v_rows jsonb[] := '{}';
  v_charges jsonb;
  v_refused integer;
  r record;
  i integer;
begin
  perform pg_advisory_xact_lock(p_lock);
  for h in
    select distinct hashtextextended(c->>'key', 7385112)
    from jsonb_array_elements(p_batch) b,
      jsonb_array_elements(coalesce(b->'stages', '[]')) s,
      jsonb_array_elements(s) c
    where c->>'op' = 'rate'
    order by 1
  loop
    perform pg_advisory_xact_lock(h);
  end loop;
  perform 1 from llm_budget_windows w
    join (
      select distinct x.budget, x.subject_key,
        date_trunc(x.win, clock_timestamp() at time zone 'UTC') at time zone 'UTC' as window_start
      from jsonb_array_elements(p_batch) b,
        jsonb_array_elements(coalesce(b->'stages', '[]')) s,
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
  select d.seq, d.row_hash into v_seq, v_hash from governance_decisions d order by d.seq desc limit 1;
  v_seq := coalesce(v_seq, 0);
  v_hash := coalesce(v_hash, repeat('0', 64));
  for e in select x.n::integer as n, x.v from jsonb_array_elements(p_batch) with ordinality as x (v, n) order by x.n loop
    v_charges := '[]';
    v_refused := null;
    i := 0;
    for st in select s from jsonb_array_elements(coalesce(e.v->'stages', '[]')) s loop
      select * into r from sp_charge_stage(st.s);
      v_charges := v_charges || jsonb_build_array(r.results);
      if not r.passed then
        v_refused := i;
        exit;
      end if;
      i := i + 1;
    end loop;
    if v_refused is not null then
      return query select e.n, null::bigint, null::text, v_refused, v_charges;
      continue;
    end if;
    v_seq := v_seq + 1;
    v_new := encode(sha256(convert_to((e.v->>'canon_head') || v_seq::text || (e.v->>'canon_tail') || v_hash, 'UTF8')), 'hex');
    v_rows := array_append(v_rows, e.v || jsonb_build_object('seq', v_seq, 'prev_hash', v_hash, 'row_hash', v_new));
    v_hash := v_new;
    return query select e.n, v_seq, v_new, null::integer, v_charges;
  end loop;
  if array_length(v_rows, 1) > 0 then
    perform sp_audit_insert(to_jsonb(v_rows));
  end if;
end
$f$;
