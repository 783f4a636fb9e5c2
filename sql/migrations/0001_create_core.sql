-- Core schema: identity, signing-key metadata, the audit trail and the event outbox.

create table users (
  id uuid primary key,
  name text not null,
  email text not null,
  roles text[] not null default array['user']::text[],
  department text,
  status text not null default 'active' check (status in ('active', 'suspended', 'banned', 'deleted')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table sessions (
  id text primary key check (id ~ '^sess_[0-9a-f-]{36}$'),
  user_id uuid not null references users (id),
  client_id text,
  kind text not null default 'cli',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_user_idx on sessions (user_id);

create table signing_keys (
  kid text primary key,
  algorithm text not null default 'RS256',
  public_jwk jsonb not null,
  status text not null default 'active' check (status in ('active', 'retiring', 'retired')),
  created_at timestamptz not null default now(),
  retired_at timestamptz,
  not_after timestamptz
);

-- One row per governance decision (allow and deny): the original's 18 columns, then the chain.
create table governance_decisions (
  id uuid primary key,
  user_id uuid,
  session_id text,
  tool_name text,
  agent_id text,
  agent_scope text not null default 'unknown',
  decision text not null check (decision in ('allow', 'deny')),
  policy text not null,
  reason text,
  evaluated_rules jsonb not null default '{}'::jsonb,
  plugin_id text,
  actor_kind text not null default 'user'
    check (actor_kind in ('user', 'anonymous', 'system', 'job', 'mcp', 'agent')),
  actor_id text,
  act_chain jsonb not null default '[]'::jsonb,
  context_id text,
  task_id text,
  trace_id text not null,
  created_at timestamptz not null default now(),
  seq bigint not null unique,
  prev_hash text not null,
  row_hash text not null
);
create index governance_decisions_trace_idx on governance_decisions (trace_id);
create index governance_decisions_user_idx on governance_decisions (user_id, created_at);
create index governance_decisions_session_idx on governance_decisions (session_id, created_at);

create function refuse_audit_change() returns trigger language plpgsql as $$
begin
  raise exception 'governance_decisions is append-only (% refused)', tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger governance_decisions_no_update before update or delete on governance_decisions
  for each row execute function refuse_audit_change();
create trigger governance_decisions_no_truncate before truncate on governance_decisions
  for each statement execute function refuse_audit_change();

create table event_outbox (
  id bigint generated always as identity primary key,
  kind text not null,
  trace_id text,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index event_outbox_pending_idx on event_outbox (id) where delivered_at is null;
