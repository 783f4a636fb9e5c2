-- Closes the caller's own session and tells every process (`sp_mcp`) to drop its cached copy.
with closed as (
  update mcp_sessions set closed_at = now()
  where id = $1 and server = $2 and user_id = $3 and closed_at is null
  returning id
)
select id, pg_notify('sp_mcp', 'session:' || id) as notified from closed
