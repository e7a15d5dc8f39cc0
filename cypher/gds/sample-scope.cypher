// How many samples and units a contour audit would check. Plain Cypher (no GDS): run before
// projecting, so an empty scope skips the projection.
// Parameters:
//   $split — only samples of this split ('train' or 'test'), or null for every split
// Returns: samples, units
MATCH (s:Sample)
WHERE $split IS NULL OR s.split = $split
OPTIONAL MATCH (s)-[:HAS_UNIT]->(u:Unit)
RETURN count(DISTINCT s) AS samples, count(u) AS units
