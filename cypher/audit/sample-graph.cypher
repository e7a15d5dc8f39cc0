// The full structural graph of one sample: each unit with its parameters and its links.
// Parameters:
//   $sample_id — e.g. mnist/test/0
// Returns: key, kind, start, params (map), bounded_by (point keys), interconnects (unit keys)
MATCH (s:Sample {sample_id: $sample_id})-[:HAS_UNIT]->(u:Unit)
OPTIONAL MATCH (u)-[:BOUNDED_BY]->(p:Unit)
WITH u, collect(p.key) AS bounded_by
OPTIONAL MATCH (u)-[:INTERCONNECTS]->(v:Unit)
RETURN u.key AS key, u.kind AS kind, u.start AS start,
       properties(u) AS params, bounded_by, collect(v.key) AS interconnects
ORDER BY key
