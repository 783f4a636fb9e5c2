select row_hash from governance_decisions where seq = $1
