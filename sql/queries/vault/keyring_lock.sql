select kek_version, kek_check from vault_keyring where id for update
