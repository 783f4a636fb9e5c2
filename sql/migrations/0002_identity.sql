-- Identity: personal access tokens, and NOTIFY on every change that alters what a credential may do.

create table api_keys (
  id uuid primary key,
  user_id uuid not null references users (id),
  name text not null,
  -- The public lookup part of `sp-live-<prefix>.<secret>`; the whole key is stored only as SHA-256.
  prefix text not null unique check (prefix ~ '^[0-9a-f]{12}$'),
  key_hash bytea not null check (octet_length(key_hash) = 32),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_user_idx on api_keys (user_id);

-- Every process caches principals for up to 30 s; these triggers tell all of them (LISTEN
-- sp_identity) the moment a user's roles, status or department, a session or an API key changes,
-- whoever made the change (the CLI, the REST API, another replica or an operator with psql).
create function notify_user_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('sp_identity', 'user:' || new.id::text);
  return null;
end;
$$;

create trigger users_notify_identity after update on users for each row
  when (old.roles is distinct from new.roles or old.status is distinct from new.status
    or old.department is distinct from new.department or old.email is distinct from new.email)
  execute function notify_user_change();

create function notify_credential_change() returns trigger language plpgsql as $$
declare
  owner uuid;
begin
  if tg_op = 'DELETE' then
    owner := old.user_id;
  else
    owner := new.user_id;
  end if;
  perform pg_notify('sp_identity', 'user:' || owner::text);
  return null;
end;
$$;

create trigger sessions_notify_identity after update on sessions for each row
  when (old.revoked_at is distinct from new.revoked_at or old.expires_at is distinct from new.expires_at)
  execute function notify_credential_change();
create trigger sessions_notify_identity_delete after delete on sessions for each row
  execute function notify_credential_change();
create trigger api_keys_notify_identity after update on api_keys for each row
  when (old.revoked_at is distinct from new.revoked_at or old.expires_at is distinct from new.expires_at)
  execute function notify_credential_change();
create trigger api_keys_notify_identity_delete after delete on api_keys for each row
  execute function notify_credential_change();
