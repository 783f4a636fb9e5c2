-- A system event of the MCP gateway (mcp.server_up, mcp.server_down, …) and its notification.
with events as (
  insert into event_outbox (kind, trace_id, payload, created_at)
  values ($1, null, $2::jsonb, $3)
  returning id, kind
)
select count(pg_notify('sp_events', json_build_object('id', e.id, 'kind', e.kind)::text))::int as events
from events e
