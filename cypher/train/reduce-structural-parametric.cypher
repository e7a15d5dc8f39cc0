// Operator R_sp (structural-parametric reduction): a matched concept unit whose kind differs
// from its counterpart's is lowered to the finest kind level both share (e.g. JunctionPoint
// -> any point); every kept interconnection's parameters are generalised to the finest levels
// at which it agrees with the sample interconnection joining the two counterparts, and that
// interconnection's cells join its `seen` (kernel/part-table).
// Parameters:
//   $concept_id — the concept
//   $sample_id — the absorbed sample
//   $step — the step whose CORRESPONDS give the unit correspondence
//   $kind_parameter — the name of the kind parameter
// Returns: kinds_lowered, links_generalised
MATCH (c:Concept {concept_id: $concept_id})
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(su:Unit)
  WITH cu, su, [i IN range(0, size(cu.params) - 1) WHERE cu.params[i] = $kind_parameter][0] AS k
  WITH cu, k, head([l IN range(cu.levels[k], size(cu[$kind_parameter]) - 1)
         WHERE su[$kind_parameter][l] = cu[$kind_parameter][l]]) AS level
  WHERE level > cu.levels[k]
  SET cu.levels = [i IN range(0, size(cu.levels) - 1) | CASE WHEN i = k THEN level ELSE cu.levels[i] END]
  RETURN count(cu) AS kinds_lowered
}
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(ca:ConceptUnit)-[r:INTERCONNECTS]->(cb:ConceptUnit)
  MATCH (ca)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(sa:Unit)-[q:INTERCONNECTS]-(sb:Unit)<-[:CORRESPONDS {sample_id: $sample_id, step: $step}]-(cb)
  WITH r, collect(q)[0] AS q
  WITH r, q, [i IN range(0, size(r.params) - 1) |
         head([l IN range(r.levels[i], size(r[r.params[i]]) - 1)
           WHERE q[r.params[i]][l] = r[r.params[i]][l]])] AS levels
  WITH r, q, levels, levels <> r.levels AS changed
  SET r.levels = levels, r.seen = r.seen + [x IN q.slots WHERE NOT x IN r.seen]
  RETURN sum(CASE WHEN changed THEN 1 ELSE 0 END) AS links_generalised
}
RETURN kinds_lowered, links_generalised
