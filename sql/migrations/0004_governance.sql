-- Governance state shared by every replica: rolling-window rate-limit counters, access rules seeded
-- from services/access-control/roles.yaml, and hook events recorded by /api/public/hooks/track.

create table rate_limit_hits (
  key text not null,
  second bigint not null,
  hits integer not null,
  primary key (key, second)
);

-- One round trip per charge, on the database clock. The per-key advisory lock serialises
-- concurrent charges of one key across every process; each statement of a volatile function sees
-- what the previous lock holder committed.
create function sp_rate_limit_charge(p_key text, p_limit integer, p_window integer, p_dry boolean)
returns table (allowed boolean, used integer, retry_after_ms integer)
language plpgsql volatile as $$
declare
  now_s numeric := extract(epoch from clock_timestamp());
  cur bigint := floor(now_s);
  v_used integer;
  v_oldest bigint;
begin
  perform pg_advisory_xact_lock(hashtextextended(p_key, 7385112));
  delete from rate_limit_hits where key = p_key and second <= cur - p_window;
  select coalesce(sum(hits), 0)::integer into v_used
    from rate_limit_hits where key = p_key and second > cur - p_window;
  if v_used < p_limit then
    if not p_dry then
      insert into rate_limit_hits (key, second, hits) values (p_key, cur, 1)
        on conflict (key, second) do update set hits = rate_limit_hits.hits + 1;
      v_used := v_used + 1;
    end if;
    return query select true, v_used, 0;
  else
    select min(second) into v_oldest from rate_limit_hits where key = p_key and second > cur - p_window;
    return query select false, v_used, greatest(1, ceil(((v_oldest + p_window) - now_s) * 1000))::integer;
  end if;
end;
$$;

create table access_rules (
  id bigint generated always as identity primary key,
  entity text not null,
  effect text not null check (effect in ('allow', 'deny')),
  users text[] not null default '{}',
  roles text[] not null default '{}',
  departments text[] not null default '{}',
  policy_version text not null,
  seeded_at timestamptz not null default now()
);
create index access_rules_entity_idx on access_rules (entity);

create table hook_events (
  id uuid primary key,
  user_id uuid not null,
  session_id text not null,
  event_name text not null,
  tool_name text,
  tool_use_id text,
  plugin_id text,
  summary jsonb not null default '{}'::jsonb,
  trace_id text,
  created_at timestamptz not null default now()
);
create unique index hook_events_dedup_idx on hook_events (user_id, session_id, tool_use_id)
  where tool_use_id is not null;
create index hook_events_session_idx on hook_events (session_id, created_at);
