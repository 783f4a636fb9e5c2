-- Releases budget reservations older than $1 milliseconds (their process died before settling):
-- the windows concerned are locked first, in key order like reserve and settle, so this never
-- deadlocks with them; a reservation settled meanwhile is simply no longer there.
with locked as (
  select w.budget, w.subject_key, w.window_start from llm_budget_windows w
  where exists (
    select 1 from llm_budget_reservations r
    where r.budget = w.budget and r.subject_key = w.subject_key and r.window_start = w.window_start
      and r.created_at < now() - make_interval(secs => $1::double precision / 1000)
  )
  order by w.budget, w.subject_key, w.window_start
  for update
), gone as (
  delete from llm_budget_reservations r using locked l
  where r.budget = l.budget and r.subject_key = l.subject_key and r.window_start = l.window_start
    and r.created_at < now() - make_interval(secs => $1::double precision / 1000)
  returning r.reservation_id, r.budget, r.subject_key, r.window_start, r.amount_micros
), sums as (
  select budget, subject_key, window_start, sum(amount_micros) as amount from gone
  group by budget, subject_key, window_start
), released as (
  update llm_budget_windows w set reserved_micros = greatest(0, w.reserved_micros - s.amount)
  from sums s
  where w.budget = s.budget and w.subject_key = s.subject_key and w.window_start = s.window_start
  returning w.budget
)
select (select count(distinct reservation_id) from gone)::int as reservations,
  (select count(*) from released)::int as windows
