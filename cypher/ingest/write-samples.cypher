// Write a batch of sensed samples with their figure, units, BOUNDED_BY and INTERCONNECTS,
// atomically.
// A sample already stored at the row's sensing version (or a newer one) is left untouched
// (idempotent; safe under concurrent ingests: only the batch that created or replaced a
// sample writes its units). A sample stored by an older sensing version (none recorded =
// version 1) is replaced in place: its properties become the row's, its figure and units
// (with their BOUNDED_BY, INTERCONNECTS and the CORRESPONDS that pointed at them) are deleted
// and written anew; the Sample node and its ABSORBED and CLASSIFIED relationships are kept.
// Units are created by one sub-query per kind (kind labels are set at CREATE: ArcadeDB cannot
// add a label to an existing node), each returning its new nodes in row order; BOUNDED_BY and
// INTERCONNECTS join those nodes by position, without looking a unit up.
// Parameters:
//   $batch — a token unique to this call; marks the samples this call created or replaced
//   $samples — list of {props: map (sample_id first, sensing_version), figure: map,
//     units: {EndPoint, CornerPoint, JunctionPoint, Point, Segment: [unit props]},
//     bounds: [[segment, point]], links: [{source, target, props}]}; a unit in bounds and
//     links is its position in units.EndPoint + CornerPoint + JunctionPoint + Point + Segment
// Returns: written — the number of samples this call created or replaced
UNWIND $samples AS s
MERGE (x:Sample {sample_id: s.props.sample_id})
ON CREATE SET x += s.props, x.ingest_batch = $batch
WITH x, s
CALL (x, s) {
  WITH x, s
  WHERE coalesce(x.sensing_version, 1) < s.props.sensing_version
  SET x = s.props
  SET x.ingest_batch = $batch
  WITH x
  OPTIONAL MATCH (x)-[:HAS_UNIT|HAS_FIGURE]->(old)
  DETACH DELETE old
}
WITH x, s
WHERE x.ingest_batch = $batch
CALL (x, s) {
  CREATE (x)-[:HAS_FIGURE]->(f:Figure)
  SET f = s.figure
}
CALL (x, s) {
  UNWIND s.units.EndPoint AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:EndPoint)
  SET n = u
  RETURN collect(n) AS endpoints
}
CALL (x, s) {
  UNWIND s.units.CornerPoint AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:CornerPoint)
  SET n = u
  RETURN collect(n) AS corners
}
CALL (x, s) {
  UNWIND s.units.JunctionPoint AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:JunctionPoint)
  SET n = u
  RETURN collect(n) AS junctions
}
CALL (x, s) {
  UNWIND s.units.Point AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:Point)
  SET n = u
  RETURN collect(n) AS points
}
CALL (x, s) {
  UNWIND s.units.Segment AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:Segment)
  SET n = u
  RETURN collect(n) AS segments
}
WITH x, s, endpoints + corners + junctions + points + segments AS units
CALL (s, units) {
  UNWIND s.bounds AS b
  WITH units[b[0]] AS segment, units[b[1]] AS point
  CREATE (segment)-[:BOUNDED_BY]->(point)
}
CALL (s, units) {
  UNWIND s.links AS l
  WITH units[l.source] AS a, units[l.target] AS b, l
  CREATE (a)-[r:INTERCONNECTS]->(b)
  SET r = l.props
}
RETURN count(x) AS written
