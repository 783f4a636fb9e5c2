-- Settles a batch of reservations at once (the call recorder's group commit): $1 is a JSON array of
-- {id, actual, keep}. Without keep, a reservation is replaced by its actual cost in every window it
-- held (0 releases it). With keep (a call admitted under a budget lease, id = the lease), the actual
-- cost moves from the lease's reservation to spent and the lease stays, smaller by that much. Entries
-- of one id are summed; any without keep ends the reservation (a lease's release comes after its
-- calls). The windows are locked first, in key order like reserve, lease and reclaim, so batches
-- never deadlock with them or with each other, and a hot window (an organisation budget) is locked
-- once per batch instead of once per call. A reservation already settled or reclaimed is not found.
with settle_in as (
  select s.id, sum(s.actual)::bigint as actual, bool_and(coalesce(s.keep, false)) as keep
  from jsonb_to_recordset($1::jsonb) as s (id uuid, actual bigint, keep boolean)
  group by s.id
), locked as (
  select w.budget, w.subject_key, w.window_start from llm_budget_windows w
  where exists (
    select 1 from llm_budget_reservations r join settle_in s on s.id = r.reservation_id
    where r.budget = w.budget and r.subject_key = w.subject_key and r.window_start = w.window_start
  )
  order by w.budget, w.subject_key, w.window_start
  for update
), held as (
  select r.reservation_id, r.budget, r.subject_key, r.window_start, r.amount_micros, s.actual, s.keep
  from llm_budget_reservations r
  join settle_in s on s.id = r.reservation_id
  join locked l on r.budget = l.budget and r.subject_key = l.subject_key and r.window_start = l.window_start
), gone as (
  delete from llm_budget_reservations r using held h
  where not h.keep and r.reservation_id = h.reservation_id
    and r.budget = h.budget and r.subject_key = h.subject_key and r.window_start = h.window_start
  returning r.reservation_id
), kept as (
  update llm_budget_reservations r set amount_micros = h.amount_micros - least(h.amount_micros, h.actual)
  from held h
  where h.keep and r.reservation_id = h.reservation_id
    and r.budget = h.budget and r.subject_key = h.subject_key and r.window_start = h.window_start
  returning r.reservation_id
), sums as (
  select budget, subject_key, window_start,
    sum(case when keep then least(amount_micros, actual) else amount_micros end) as amount,
    sum(actual) as actual
  from held group by budget, subject_key, window_start
), settled as (
  update llm_budget_windows w
    set reserved_micros = greatest(0, w.reserved_micros - s.amount), spent_micros = w.spent_micros + s.actual
  from sums s
  where w.budget = s.budget and w.subject_key = s.subject_key and w.window_start = s.window_start
  returning w.budget
)
select ((select count(distinct reservation_id) from gone) + (select count(distinct reservation_id) from kept))::int
  as settled
