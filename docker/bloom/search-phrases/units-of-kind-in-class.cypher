// Bloom search phrase "units of kind $kind in class $class" (graph form of
// cypher/audit/units-per-kind): the samples of a class with their units of one kind, e.g.
// which 4s have JunctionPoints.
// Parameters:
//   $kind — EndPoint, CornerPoint, JunctionPoint, Point or Segment
//   $class — the digit label (integer)
// Returns: paths sample→unit
MATCH p = (:Sample {label: $class})-[:HAS_UNIT]->(:Unit {kind: $kind})
RETURN p
