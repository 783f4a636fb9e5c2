insert into mcp_tool_pins (server, tool, fingerprint, pending_fingerprint, status, reason, description, pinned_at, updated_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
on conflict (server, tool) do update set
  fingerprint = excluded.fingerprint,
  pending_fingerprint = excluded.pending_fingerprint,
  status = excluded.status,
  reason = excluded.reason,
  description = excluded.description,
  updated_at = excluded.updated_at
