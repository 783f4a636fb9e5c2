select exists (select 1 from mcp_pinned_servers where server = $1) as pinned
