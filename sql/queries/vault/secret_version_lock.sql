select version, created_at from vault_secrets where owner = $1 and name = $2 for update
