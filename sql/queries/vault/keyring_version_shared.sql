select kek_version from vault_keyring where id for share
