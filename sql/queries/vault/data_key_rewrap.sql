update vault_data_keys set kek_version = $2, wrapped_key = $3 where id = $1
