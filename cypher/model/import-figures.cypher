// Import (model file): create a batch of concept figures, each under its concept
// (model/import-concepts created them), with the file's properties.
// Parameters:
//   $figures — list of {concept_id, properties}
// Returns: figures — created
UNWIND $figures AS row
MATCH (c:Concept {concept_id: row.concept_id})
CREATE (c)-[:HAS_FIGURE]->(cf:ConceptFigure)
SET cf += row.properties
RETURN count(cf) AS figures
