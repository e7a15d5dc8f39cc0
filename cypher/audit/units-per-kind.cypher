// Mean number of units of each kind per sample, by class.
// Parameters: none
// Returns: label, kind, per_sample — mean units of that kind per sample of that class
MATCH (s:Sample)
WITH s.label AS label, count(s) AS samples
MATCH (x:Sample {label: label})-[:HAS_UNIT]->(u:Unit)
WITH label, samples, u.kind AS kind, count(u) AS units
RETURN label, kind, round(1000.0 * units / samples) / 1000.0 AS per_sample
ORDER BY label, kind
