insert into vault_keyring (id, kek_version, kek_check, created_at)
values (true, $1, $2, $3)
on conflict (id) do nothing
