select pg_notify('sp_identity', 'keys')
