-- Reserves for a batch of calls in one statement (group commit: the reservations that queued while
-- the previous one was in flight). $1 is a JSON array, in arrival order, of {id, budgets, keys,
-- windows, limits, enforce, amount}. The windows the batch needs that exist already are locked
-- first, in key order (like every other writer of llm_budget_windows), by the `prelock` InitPlan
-- the first call's argument waits for; then each call runs sp_llm_budget_reserve exactly as alone,
-- in order, seeing the reservations of the calls before it. One row per call, in order.
with prelock as (
  select 1 from llm_budget_windows w
  join (
    select distinct b.budget, b.subject_key,
      date_trunc(b.win, clock_timestamp() at time zone 'UTC') at time zone 'UTC' as window_start
    from jsonb_array_elements($1::jsonb) e,
      unnest(
        array(select jsonb_array_elements_text(e->'budgets')),
        array(select jsonb_array_elements_text(e->'keys')),
        array(select jsonb_array_elements_text(e->'windows'))
      ) as b (budget, subject_key, win)
  ) want on w.budget = want.budget and w.subject_key = want.subject_key and w.window_start = want.window_start
  order by w.budget, w.subject_key, w.window_start
  for update of w
), items as (
  select x.n::integer as n, x.e from jsonb_array_elements($1::jsonb) with ordinality as x (e, n)
)
select i.n, r.admitted, r.failed, r.remaining_micros, r.retry_after_s, r.shadow
from items i
cross join lateral sp_llm_budget_reserve(
  (i.e->>'id')::uuid,
  array(select jsonb_array_elements_text(i.e->'budgets')),
  array(select jsonb_array_elements_text(i.e->'keys')),
  array(select jsonb_array_elements_text(i.e->'windows')),
  array(select jsonb_array_elements_text(i.e->'limits'))::bigint[],
  array(select jsonb_array_elements_text(i.e->'enforce'))::boolean[],
  (i.e->>'amount')::bigint + (select 0 * count(*) from prelock),
  false
) r
order by i.n
