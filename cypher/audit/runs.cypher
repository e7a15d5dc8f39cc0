// Every recorded classification run, newest first.
// Parameters: none
// Returns: run_id, protocol, recorded_at (ISO string)
MATCH (r:Run)
RETURN r.run_id AS run_id, r.protocol AS protocol, toString(r.recorded_at) AS recorded_at
ORDER BY recorded_at DESC
