with e as (
  insert into event_outbox (kind, trace_id, payload, created_at)
  values ('admin.change', $1, $2::jsonb, $3)
  returning id, kind
)
select count(pg_notify('sp_events', json_build_object('id', e.id, 'kind', e.kind)::text))::int as events
from e
