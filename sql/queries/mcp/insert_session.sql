insert into mcp_sessions (id, server, user_id, protocol_version, client_info, client_capabilities, created_at, last_seen_at)
values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $7)
