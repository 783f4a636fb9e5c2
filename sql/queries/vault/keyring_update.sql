update vault_keyring set kek_version = $1, kek_check = $2, rotated_at = $3 where id
