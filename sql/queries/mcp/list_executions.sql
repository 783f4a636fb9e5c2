select id, created_at, trace_id, server, tool, user_id, session_id, status, duration_ms,
  input_bytes, output_bytes, error
from mcp_tool_executions
where ($1::text is null or server = $1)
  and ($2::text is null or status = $2)
  and ($3::timestamptz is null or created_at >= $3)
order by created_at desc, id desc
limit $4
