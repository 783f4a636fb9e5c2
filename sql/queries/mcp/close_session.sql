update mcp_sessions set closed_at = now()
where id = $1 and server = $2 and user_id = $3 and closed_at is null
returning id
