update vault_secrets set dek_id = $3, ciphertext = $4, version = $5, updated_at = $6
where owner = $1 and name = $2 and dek_id = $7 and version = $8
returning owner, name, version, created_at, updated_at
