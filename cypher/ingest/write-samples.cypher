// Write a batch of sensed samples with their figure, units, BOUNDED_BY and INTERCONNECTS,
// atomically.
// A sample already stored at the row's sensing version (or a newer one) is left untouched
// (idempotent; safe under concurrent ingests: only the batch that created or replaced a
// sample writes its units). A sample stored by an older sensing version (none recorded =
// version 1) is replaced in place: its properties become the row's, its figure and units
// (with their BOUNDED_BY, INTERCONNECTS and the CORRESPONDS that pointed at them) are deleted
// and written anew; the Sample node and its ABSORBED and CLASSIFIED relationships are kept.
// Kind labels are set at CREATE: ArcadeDB cannot add a label to an existing node.
// Parameters:
//   $batch — a token unique to this call; marks the samples this call created or replaced
//   $samples — list of {props: map (sample_id first, sensing_version), figure: map, units: [{kind, props}], bounds: [[segment key, point key]], links: [{source, target, props}]}
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
  SET f += s.figure
}
CALL (x, s) {
  UNWIND [u IN s.units WHERE u.kind = 'EndPoint'] AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:EndPoint {unit_id: u.props.unit_id})
  SET n += u.props
}
CALL (x, s) {
  UNWIND [u IN s.units WHERE u.kind = 'CornerPoint'] AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:CornerPoint {unit_id: u.props.unit_id})
  SET n += u.props
}
CALL (x, s) {
  UNWIND [u IN s.units WHERE u.kind = 'JunctionPoint'] AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:JunctionPoint {unit_id: u.props.unit_id})
  SET n += u.props
}
CALL (x, s) {
  UNWIND [u IN s.units WHERE u.kind = 'Point'] AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:Point {unit_id: u.props.unit_id})
  SET n += u.props
}
CALL (x, s) {
  UNWIND [u IN s.units WHERE u.kind = 'Segment'] AS u
  CREATE (x)-[:HAS_UNIT]->(n:Unit:Segment {unit_id: u.props.unit_id})
  SET n += u.props
}
CALL (x, s) {
  UNWIND s.bounds AS b
  MATCH (x)-[:HAS_UNIT]->(segment:Unit {key: b[0]})
  MATCH (x)-[:HAS_UNIT]->(point:Unit {key: b[1]})
  CREATE (segment)-[:BOUNDED_BY]->(point)
}
CALL (x, s) {
  UNWIND s.links AS l
  MATCH (x)-[:HAS_UNIT]->(a:Unit {key: l.source})
  MATCH (x)-[:HAS_UNIT]->(b:Unit {key: l.target})
  CREATE (a)-[r:INTERCONNECTS]->(b)
  SET r += l.props
}
RETURN count(x) AS written
