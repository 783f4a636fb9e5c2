-- A batch of execution rows (the execution recorder's group commit) and one `mcp.tool_executed`
-- outbox event per row, in one statement. $1 is a JSON array of rows keyed by column
-- name. Sizes and status only: no arguments, no output.
with inserted as (
  insert into mcp_tool_executions (
    id, trace_id, decision_id, server, tool, user_id, session_id, status, duration_ms,
    input_bytes, output_bytes, error, created_at
  )
  select r.id, r.trace_id, r.decision_id, r.server, r.tool, r.user_id, r.session_id, r.status, r.duration_ms,
    r.input_bytes, r.output_bytes, r.error, r.created_at
  from jsonb_to_recordset($1::jsonb) as r (
    id uuid, trace_id text, decision_id uuid, server text, tool text, user_id uuid, session_id text,
    status text, duration_ms double precision, input_bytes integer, output_bytes integer, error text,
    created_at timestamptz
  )
  returning *
), events as (
  insert into event_outbox (kind, trace_id, payload, created_at)
  select 'mcp.tool_executed', i.trace_id, to_jsonb(i), i.created_at from inserted i
  returning id, kind
)
-- One NOTIFY per batch (the feed's listeners only need a nudge: they read the outbox after the id
-- they last delivered).
select count(*)::int as events,
  pg_notify('sp_events', json_build_object('id', max(e.id), 'kind', 'mcp.tool_executed')::text) as notified
from events e
