// Which of the given sample ids are stored at the given sensing version or a newer one
// (a sample stored before versions were recorded counts as version 1).
// Parameters:
//   $ids — list of sample ids
//   $version — the sensing version of the running code
// Returns: sample_id — one row per id stored and not stale
UNWIND $ids AS id
MATCH (s:Sample {sample_id: id})
WHERE coalesce(s.sensing_version, 1) >= $version
RETURN s.sample_id AS sample_id
