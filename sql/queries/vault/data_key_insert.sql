insert into vault_data_keys (id, owner, kek_version, wrapped_key, status, created_at)
values ($1, $2, $3, $4, 'active', $5)
on conflict (owner) where status = 'active' do nothing
