-- Budget leases (ISSUE 7). Every governed LLM call reserved its estimated maximum cost in every
-- budget that binds its caller: one statement before dispatch, and the hot rows (an organisation's,
-- a department's window) locked by every call. A process serving a busy caller may now reserve a
-- block of several calls' estimates at once, under one reservation id (the lease), admit the caller's
-- next calls against it locally, settle each call's actual cost into it (the reservation shrinks as
-- the spend grows: nothing spent is ever held twice) and release the rest when the lease expires.
--
-- Granted only when it cannot crowd anyone out: every window has at least p_headroom times the
-- block free, and ends no sooner than p_min_left_s from now (a lease never straddles the start of a
-- new day or month). Otherwise nothing is reserved and the caller reserves call by call as before,
-- so the last of a budget is always handed out exactly. The windows are locked in the same key
-- order as sp_llm_budget_reserve, settlement and reclaim (a missing window, the first of a day or a
-- month, is created first, as there; leases are rare, so this costs one statement per lease).

create function sp_llm_budget_lease(
  p_id uuid, p_budgets text[], p_keys text[], p_windows text[], p_limits bigint[], p_block bigint,
  p_headroom integer, p_min_left_s integer
) returns boolean
language plpgsql volatile as $$
declare
  n integer := coalesce(array_length(p_budgets, 1), 0);
  starts timestamptz[] := '{}';
  found_n integer := 0;
  r record;
  i integer;
begin
  for i in 1..n loop
    starts := starts || (date_trunc(p_windows[i], clock_timestamp() at time zone 'UTC') at time zone 'UTC');
    if ((starts[i] at time zone 'UTC') + ('1 ' || p_windows[i])::interval) at time zone 'UTC'
        < clock_timestamp() + make_interval(secs => p_min_left_s) then
      return false;
    end if;
  end loop;
  insert into llm_budget_windows (budget, subject_key, window_start, limit_micros)
    select u.b, u.k, u.s, u.l from unnest(p_budgets, p_keys, starts, p_limits) as u (b, k, s, l)
    order by u.b, u.k, u.s
    on conflict do nothing;
  for r in
    select p_limits[u.o] - w.spent_micros - w.reserved_micros as free
    from unnest(p_budgets, p_keys, starts) with ordinality as u (b, k, s, o)
    join llm_budget_windows w on w.budget = u.b and w.subject_key = u.k and w.window_start = u.s
    order by w.budget, w.subject_key, w.window_start
    for update of w
  loop
    if r.free < p_block * p_headroom then
      return false;
    end if;
    found_n := found_n + 1;
  end loop;
  if n = 0 or found_n < n then
    return false;
  end if;
  update llm_budget_windows w set reserved_micros = w.reserved_micros + p_block, limit_micros = u.l
    from unnest(p_budgets, p_keys, starts, p_limits) as u (b, k, s, l)
    where w.budget = u.b and w.subject_key = u.k and w.window_start = u.s;
  insert into llm_budget_reservations (reservation_id, budget, subject_key, window_start, amount_micros)
    select p_id, u.b, u.k, u.s, p_block from unnest(p_budgets, p_keys, starts) as u (b, k, s);
  return true;
end;
$$;
