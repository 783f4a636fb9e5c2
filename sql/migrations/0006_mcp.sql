-- MCP gateway state shared by every replica (ARCHITECTURE §2, §5, §6): client sessions (so a session
-- initialised through one process continues through any other), tool pins (rug-pull defence) and
-- the execution record of every governed tools/call.

create table mcp_sessions (
  id text primary key,
  server text not null,
  user_id uuid not null,
  protocol_version text not null,
  client_info jsonb not null default '{}'::jsonb,
  client_capabilities jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  closed_at timestamptz
);
create index mcp_sessions_user_idx on mcp_sessions (user_id, created_at);

-- A server's first successful tools/list pins every tool it listed; later lists compare against
-- the pins. `pending_fingerprint` holds what a changed or new tool looks like now, until approved.
create table mcp_pinned_servers (
  server text primary key,
  pinned_at timestamptz not null default now()
);

create table mcp_tool_pins (
  server text not null,
  tool text not null,
  fingerprint text,
  pending_fingerprint text,
  status text not null check (status in ('pinned', 'quarantined')),
  reason text,
  description text not null default '',
  pinned_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  approved_by text,
  primary key (server, tool)
);

create table mcp_tool_executions (
  id uuid primary key,
  trace_id text not null,
  decision_id uuid,
  server text not null,
  tool text not null,
  user_id uuid,
  session_id text,
  status text not null check (status in ('success', 'failed', 'timeout', 'denied')),
  duration_ms double precision not null,
  input_bytes integer not null,
  output_bytes integer not null,
  error text,
  created_at timestamptz not null default now()
);
create index mcp_tool_executions_trace_idx on mcp_tool_executions (trace_id);
create index mcp_tool_executions_created_idx on mcp_tool_executions (created_at);
create index mcp_tool_executions_server_idx on mcp_tool_executions (server, created_at);
