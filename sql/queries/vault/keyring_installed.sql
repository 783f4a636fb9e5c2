select to_regclass('vault_keyring') is not null as installed
