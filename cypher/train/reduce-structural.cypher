// Operator R_w (structural reduction): concept units with no counterpart in the sample are
// removed with their relationships, and so are concept interconnections whose two units'
// counterparts are not interconnected in the sample.
// Parameters:
//   $concept_id — the concept
//   $sample_id — the absorbed sample
//   $step — the step whose CORRESPONDS give the unit correspondence
// Returns: units_removed, links_removed
MATCH (c:Concept {concept_id: $concept_id})
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(ca:ConceptUnit)-[r:INTERCONNECTS]->(cb:ConceptUnit)
  WHERE NOT EXISTS {
    MATCH (ca)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(sa:Unit)-[:INTERCONNECTS]-(sb:Unit)<-[:CORRESPONDS {sample_id: $sample_id, step: $step}]-(cb)
  }
  DELETE r
  RETURN count(r) AS links_removed
}
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit)
  WHERE NOT EXISTS { (cu)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(:Unit) }
  DETACH DELETE cu
  RETURN count(cu) AS units_removed
}
RETURN units_removed, links_removed
