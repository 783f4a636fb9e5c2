-- Every active key but the new signer keeps verifying until $2 (the longest lifetime of a token it
-- could have signed), then is pruned.
update signing_keys
set status = 'retiring', not_after = $2
where kid <> $1 and status = 'active'
returning kid
