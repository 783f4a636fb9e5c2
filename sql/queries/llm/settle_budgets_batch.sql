-- Settles a batch of reservations at once (the call recorder's group commit): $1 is a JSON array of
-- {id, actual}. Each reservation is replaced by its actual cost in every window it held (0 releases).
-- The windows are locked first, in key order like reserve and reclaim, so batches never deadlock
-- with them or with each other, and a hot window (an organisation budget) is locked once per batch
-- instead of once per call. A reservation already settled or reclaimed is simply not found.
with settle_in as (
  select s.id, s.actual from jsonb_to_recordset($1::jsonb) as s (id uuid, actual bigint)
), locked as (
  select w.budget, w.subject_key, w.window_start from llm_budget_windows w
  where exists (
    select 1 from llm_budget_reservations r join settle_in s on s.id = r.reservation_id
    where r.budget = w.budget and r.subject_key = w.subject_key and r.window_start = w.window_start
  )
  order by w.budget, w.subject_key, w.window_start
  for update
), gone as (
  delete from llm_budget_reservations r using settle_in s, locked l
  where r.reservation_id = s.id
    and r.budget = l.budget and r.subject_key = l.subject_key and r.window_start = l.window_start
  returning r.reservation_id, r.budget, r.subject_key, r.window_start, r.amount_micros, s.actual
), sums as (
  select budget, subject_key, window_start, sum(amount_micros) as amount, sum(actual) as actual
  from gone group by budget, subject_key, window_start
), settled as (
  update llm_budget_windows w
    set reserved_micros = greatest(0, w.reserved_micros - s.amount), spent_micros = w.spent_micros + s.actual
  from sums s
  where w.budget = s.budget and w.subject_key = s.subject_key and w.window_start = s.window_start
  returning w.budget
)
select (select count(distinct reservation_id) from gone)::int as settled
