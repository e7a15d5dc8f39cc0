// Import (model file): create a batch of concept units, each under its concept
// (model/import-concepts created them), with the file's properties and status 'active', and
// hang each from its anchor cells (kernel/anchor-units, as training does).
// Parameters:
//   $units — list of unit properties (with unit_id and concept_id)
// Returns: units — created, anchored — ANCHORS created
UNWIND $units AS row
MATCH (c:Concept {concept_id: row.concept_id})
CREATE (c)-[:HAS_UNIT]->(cu:ConceptUnit)
SET cu += row, cu.status = 'active'
WITH cu
CALL (cu) {
  // @include kernel/anchor-units
  RETURN count(*) AS anchored
}
RETURN count(cu) AS units, sum(anchored) AS anchored
