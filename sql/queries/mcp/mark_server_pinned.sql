insert into mcp_pinned_servers (server, pinned_at) values ($1, $2) on conflict (server) do nothing
