-- Rate-limit leases (ISSUE 7). A busy key (a session's rate limit, a user's request quota) cost one
-- round trip before every governed call. A process may now charge a block of hits in that same round
-- trip and admit the key's next calls locally against it for about a second, handing back what it
-- did not use. `p_call` says whether a call is waiting: it is charged (the first hit of the block, or
-- alone); a refill without one is granted a block or nothing. Counting stays exact and conservative:
-- - a lease is granted only while the key's count stays at or below half its limit after the grant,
--   so near the limit every call is charged alone, in order, exactly as before;
-- - the block is stamped p_ahead seconds in the future (the latest second a leased call can happen
--   in), so every leased hit is counted from the grant on and for at least as long as the real call
--   it stands for would be; a process that dies holding a lease over-counts by its unused hits for
--   at most the window plus p_ahead seconds.

create function sp_rate_limit_lease(
  p_key text, p_limit integer, p_window integer, p_want integer, p_ahead integer, p_call boolean
)
returns table (allowed boolean, used integer, retry_after_ms integer, granted integer, stamp bigint)
language plpgsql volatile as $$
declare
  now_s numeric := extract(epoch from clock_timestamp());
  cur bigint := floor(now_s);
  v_used integer;
  v_grant integer;
  v_stamp bigint;
  v_oldest bigint;
begin
  perform pg_advisory_xact_lock(hashtextextended(p_key, 7385112));
  delete from rate_limit_hits where key = p_key and second <= cur - p_window;
  select coalesce(sum(hits), 0)::integer into v_used
    from rate_limit_hits where key = p_key and second > cur - p_window;
  if v_used >= p_limit then
    select min(second) into v_oldest from rate_limit_hits where key = p_key and second > cur - p_window;
    return query select false, v_used, greatest(1, ceil(((v_oldest + p_window) - now_s) * 1000))::integer, 0, cur;
    return;
  end if;
  v_grant := least(p_want, p_limit / 2 - v_used);
  if v_grant >= 2 then
    v_stamp := cur + p_ahead;
  elsif not p_call then
    -- A refill with no call waiting: nothing to charge alone.
    return query select true, v_used, 0, 0, cur;
    return;
  else
    v_grant := 1;
    v_stamp := cur;
  end if;
  insert into rate_limit_hits (key, second, hits) values (p_key, v_stamp, v_grant)
    on conflict (key, second) do update set hits = rate_limit_hits.hits + v_grant;
  return query select true, v_used + 1, 0, v_grant, v_stamp;
end;
$$;

-- The unused hits of a lease, handed back when it expires (or the process stops).
create function sp_rate_limit_return(p_key text, p_second bigint, p_hits integer)
returns void
language plpgsql volatile as $$
begin
  perform pg_advisory_xact_lock(hashtextextended(p_key, 7385112));
  update rate_limit_hits set hits = hits - p_hits where key = p_key and second = p_second;
  delete from rate_limit_hits where key = p_key and second = p_second and hits <= 0;
end;
$$;
