insert into access_rules (entity, effect, users, roles, departments, policy_version)
values ($1, $2, $3::text[], $4::text[], $5::text[], $6)
