select pg_notify('sp_mcp', $1)
