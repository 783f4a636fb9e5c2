delete from vault_secrets where owner = $1 and name = $2
returning owner, name, version, created_at, updated_at
