select server, tool, fingerprint, pending_fingerprint, status, reason, description, pinned_at, updated_at, approved_by
from mcp_tool_pins
where server = $1
order by tool
