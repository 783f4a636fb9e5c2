delete from access_rules
