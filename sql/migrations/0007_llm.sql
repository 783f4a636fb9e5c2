-- Provider gateway (ISSUE 7): one costed row per /v1 call, budget windows with atomic reservations,
-- and gateway sessions minted for PATs.

create table ai_requests (
  id uuid primary key,
  user_id uuid,
  session_id text,
  agent_id text,
  department text,
  api_key text,
  provider text not null,
  model text not null,
  requested_model text not null,
  route_id text,
  dialect text not null,
  stream boolean not null default false,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cache_read_tokens bigint not null default 0,
  cache_creation_tokens bigint not null default 0,
  cost_microdollars bigint not null default 0 check (cost_microdollars >= 0),
  latency_ms integer not null default 0,
  status text not null check (status in ('completed', 'failed', 'denied')),
  stop_reason text,
  error text,
  attempts jsonb not null default '[]'::jsonb,
  decision_id uuid,
  trace_id text not null,
  created_at timestamptz not null default now()
);
create index ai_requests_trace_idx on ai_requests (trace_id);
create index ai_requests_user_idx on ai_requests (user_id, created_at);
create index ai_requests_created_idx on ai_requests (created_at);

-- One row per (budget, subject, calendar window in UTC). `reserved_micros` holds admitted calls'
-- estimates until they settle; `spent_micros` their actual costs.
create table llm_budget_windows (
  budget text not null,
  subject_key text not null,
  window_start timestamptz not null,
  limit_micros bigint not null,
  spent_micros bigint not null default 0,
  reserved_micros bigint not null default 0 check (reserved_micros >= 0),
  primary key (budget, subject_key, window_start)
);

create table llm_budget_reservations (
  reservation_id uuid not null,
  budget text not null,
  subject_key text not null,
  window_start timestamptz not null,
  amount_micros bigint not null,
  created_at timestamptz not null default now(),
  primary key (reservation_id, budget, subject_key, window_start)
);

-- Admits a call only if its estimate fits every enforced budget that applies, and reserves it in
-- all of them, in one statement. The windows are locked in key order, so concurrent calls against
-- one budget serialise (no overspend) and calls sharing several budgets cannot deadlock.
create function sp_llm_budget_reserve(
  p_id uuid, p_budgets text[], p_keys text[], p_windows text[], p_limits bigint[], p_enforce boolean[],
  p_amount bigint, p_dry boolean
) returns table (admitted boolean, failed integer, remaining_micros bigint, retry_after_s integer, shadow text[])
language plpgsql volatile as $$
declare
  n integer := coalesce(array_length(p_budgets, 1), 0);
  starts timestamptz[] := '{}';
  v_shadow text[] := '{}';
  v_free bigint;
  v_end timestamptz;
  i integer;
begin
  for i in 1..n loop
    starts := starts || (date_trunc(p_windows[i], clock_timestamp() at time zone 'UTC') at time zone 'UTC');
    insert into llm_budget_windows (budget, subject_key, window_start, limit_micros)
      values (p_budgets[i], p_keys[i], starts[i], p_limits[i]) on conflict do nothing;
  end loop;
  perform 1 from llm_budget_windows w
    join unnest(p_budgets, p_keys, starts) as u (b, k, s)
      on w.budget = u.b and w.subject_key = u.k and w.window_start = u.s
    order by w.budget, w.subject_key, w.window_start
    for update of w;
  for i in 1..n loop
    select p_limits[i] - w.spent_micros - w.reserved_micros into v_free from llm_budget_windows w
      where w.budget = p_budgets[i] and w.subject_key = p_keys[i] and w.window_start = starts[i];
    if v_free < p_amount then
      if p_enforce[i] then
        v_end := ((starts[i] at time zone 'UTC') + ('1 ' || p_windows[i])::interval) at time zone 'UTC';
        return query select false, i, greatest(v_free, 0),
          greatest(1, ceil(extract(epoch from v_end - clock_timestamp())))::integer, v_shadow;
        return;
      end if;
      v_shadow := v_shadow || p_budgets[i];
    end if;
  end loop;
  if not p_dry then
    for i in 1..n loop
      update llm_budget_windows set reserved_micros = reserved_micros + p_amount, limit_micros = p_limits[i]
        where budget = p_budgets[i] and subject_key = p_keys[i] and window_start = starts[i];
      insert into llm_budget_reservations (reservation_id, budget, subject_key, window_start, amount_micros)
        values (p_id, p_budgets[i], p_keys[i], starts[i], p_amount);
    end loop;
  end if;
  return query select true, 0, null::bigint, 0, v_shadow;
end;
$$;

-- Replaces a reservation by the actual cost (0 releases it). Settling twice is a no-op.
create function sp_llm_budget_settle(p_id uuid, p_actual bigint) returns integer
language plpgsql volatile as $$
declare
  settled integer;
begin
  perform 1 from llm_budget_windows w
    join llm_budget_reservations r
      on r.budget = w.budget and r.subject_key = w.subject_key and r.window_start = w.window_start
    where r.reservation_id = p_id
    order by w.budget, w.subject_key, w.window_start
    for update of w;
  with gone as (
    delete from llm_budget_reservations where reservation_id = p_id returning *
  )
  update llm_budget_windows w
    set reserved_micros = greatest(0, w.reserved_micros - g.amount_micros),
        spent_micros = w.spent_micros + p_actual
    from gone g
    where w.budget = g.budget and w.subject_key = g.subject_key and w.window_start = g.window_start;
  get diagnostics settled = row_count;
  return settled;
end;
$$;

-- `POST /api/public/gateway/sessions`: a session for a PAT's calls (`x-session-id`).
create table llm_gateway_sessions (
  id text primary key,
  user_id uuid not null references users (id),
  api_key text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index llm_gateway_sessions_user_idx on llm_gateway_sessions (user_id);
