-- Signed checkpoints of the audit hash chain: Ed25519 over "seq|row_hash", append-only like the chain.

create table audit_checkpoints (
  seq bigint primary key,
  row_hash text not null,
  signed_at timestamptz not null,
  key_id text not null,
  signature text not null
);

create function refuse_append_only_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only (% refused)', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_checkpoints_no_update before update or delete on audit_checkpoints
  for each row execute function refuse_append_only_change();
create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
  for each statement execute function refuse_append_only_change();

-- `infra logs trace show` reads a trace's events.
create index if not exists event_outbox_trace_idx on event_outbox (trace_id);
