insert into event_outbox (kind, trace_id, payload, created_at)
values ('admin.change', $1, $2::jsonb, $3)
