-- Vault (ARCHITECTURE §10): envelope encryption with XChaCha20-Poly1305. The master key (KEK) never
-- reaches the database: the key ring row holds only a check value sealed under it, each owner's data
-- key (DEK) is stored wrapped by the KEK, and each secret is sealed under its owner's DEK. No column
-- holds a plaintext value.

create table vault_keyring (
  id boolean primary key default true check (id),
  kek_version integer not null check (kek_version >= 1),
  -- A fixed text sealed under the KEK (AAD binds the version): proves at boot that the key is right.
  kek_check bytea not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);

create table vault_data_keys (
  id uuid primary key,
  owner text not null check (
    owner = 'org' or owner ~ '^user:[0-9a-f-]{36}$' or owner ~ '^department:[^|]{1,128}$'
  ),
  kek_version integer not null check (kek_version >= 1),
  wrapped_key bytea not null,
  -- A retired key still opens the secrets sealed under it until they are re-encrypted.
  status text not null default 'active' check (status in ('active', 'retired')),
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
create unique index vault_data_keys_active_owner on vault_data_keys (owner) where status = 'active';

create table vault_secrets (
  owner text not null,
  name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  version integer not null check (version >= 1),
  dek_id uuid not null references vault_data_keys (id),
  ciphertext bytea not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (owner, name)
);
create index vault_secrets_dek_idx on vault_secrets (dek_id);
