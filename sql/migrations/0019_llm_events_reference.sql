-- A gateway call's `llm.request` event references its `ai_requests` row instead of copying it (ISSUE
-- 7), as governance events reference their decision (migration 0010). The event carried the whole
-- row again as its payload (to_jsonb of the inserted row): a second copy of every costed call, ~11 µs
-- of the database's ~320 µs per governed call (pg_stat_statements over a quick llm run at 500 req/s:
-- the recorder's statement 212.7 -> 147.1 ms per ~6,000 calls). The event_feed view rebuilds the payload
-- from the row, so readers see exactly what they saw before. The row is what the event shows, so it
-- can no longer change: updates, deletes and truncation of ai_requests are refused, as for decisions.

alter table event_outbox add column request_id uuid;
alter table event_outbox drop constraint event_outbox_payload_or_decision;
alter table event_outbox add constraint event_outbox_payload_or_reference
  check (payload is not null or decision_id is not null or request_id is not null);

create or replace view event_feed as
select o.id, o.kind, o.trace_id, coalesce(o.payload, to_jsonb(d), to_jsonb(r)) as payload, o.created_at,
  o.delivered_at
from event_outbox o
left join governance_decisions d on d.id = o.decision_id
left join ai_requests r on r.id = o.request_id;

create function refuse_record_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only (% refused)', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger ai_requests_no_update before update or delete on ai_requests
  for each row execute function refuse_record_change();
create trigger ai_requests_no_truncate before truncate on ai_requests
  for each statement execute function refuse_record_change();
