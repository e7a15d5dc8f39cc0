// Which of the given sample ids are already stored.
// Parameters:
//   $ids — list of sample ids
// Returns: sample_id — one row per id already present
UNWIND $ids AS id
MATCH (s:Sample {sample_id: id})
RETURN s.sample_id AS sample_id
