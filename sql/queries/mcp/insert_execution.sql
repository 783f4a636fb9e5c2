-- One execution row and its `mcp.tool_executed` event (sizes and status only: no arguments, no output).
with inserted as (
  insert into mcp_tool_executions (
    id, trace_id, decision_id, server, tool, user_id, session_id, status, duration_ms,
    input_bytes, output_bytes, error, created_at
  )
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  returning *
), events as (
  insert into event_outbox (kind, trace_id, payload, created_at)
  select 'mcp.tool_executed', i.trace_id, to_jsonb(i), i.created_at from inserted i
  returning id, kind
)
select count(pg_notify('sp_events', json_build_object('id', e.id, 'kind', e.kind)::text))::int as events
from events e
