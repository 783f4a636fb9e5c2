-- Approves what a quarantined tool looks like now ($2 null: every quarantined tool of the server).
update mcp_tool_pins set
  fingerprint = pending_fingerprint,
  pending_fingerprint = null,
  status = 'pinned',
  reason = null,
  approved_by = $3,
  updated_at = $4
where server = $1 and status = 'quarantined' and ($2::text is null or tool = $2)
returning tool
