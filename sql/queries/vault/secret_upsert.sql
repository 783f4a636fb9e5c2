insert into vault_secrets (owner, name, version, dek_id, ciphertext, created_at, updated_at)
values ($1, $2, $3, $4, $5, $6, $6)
on conflict (owner, name) do update
  set version = excluded.version, dek_id = excluded.dek_id, ciphertext = excluded.ciphertext,
    updated_at = excluded.updated_at
returning owner, name, version, created_at, updated_at
