-- Charging stages may start together so their round trips overlap (the rate limit alongside the
-- LLM budget stage). When an earlier stage then denies, the rate-limit charge that was made for the
-- call is handed back: one hit off the key's newest second, under the same per-key advisory lock
-- as the charge, so a refund and a concurrent charge of the key never interleave.

create function sp_rate_limit_refund(p_key text)
returns void
language plpgsql volatile as $$
declare
  newest bigint;
begin
  perform pg_advisory_xact_lock(hashtextextended(p_key, 7385112));
  select max(second) into newest from rate_limit_hits where key = p_key;
  if newest is null then
    return;
  end if;
  update rate_limit_hits set hits = hits - 1 where key = p_key and second = newest;
  delete from rate_limit_hits where key = p_key and second = newest and hits <= 0;
end;
$$;
