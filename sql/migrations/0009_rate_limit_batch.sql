-- Group-committed rate-limit charges (ISSUE 9): the charges that queued while the previous call was
-- in flight go to the database as one call. Every distinct key's advisory lock is taken first, in
-- hash order (two batches, or a batch and a single charge, can never wait on each other in a
-- cycle), then the charges run in arrival order, each exactly as sp_rate_limit_charge runs alone.

create function sp_rate_limit_charge_many(p_charges jsonb)
returns table (ord integer, allowed boolean, used integer, retry_after_ms integer)
language plpgsql volatile as $$
declare
  h bigint;
  c record;
begin
  for h in
    select distinct hashtextextended(e->>'key', 7385112) from jsonb_array_elements(p_charges) e order by 1
  loop
    perform pg_advisory_xact_lock(h);
  end loop;
  for c in
    select (e.n)::integer as n, e.value as v from jsonb_array_elements(p_charges) with ordinality as e(value, n)
    order by e.n
  loop
    return query
      select c.n, r.allowed, r.used, r.retry_after_ms
      from sp_rate_limit_charge(c.v->>'key', (c.v->>'limit')::integer, (c.v->>'window')::integer,
        (c.v->>'dry')::boolean) r;
  end loop;
end;
$$;
