// Import (model file): create a batch of concepts under their classes' neurons
// (model/import-neurons wrote them), with the file's properties, status 'active' and a fresh
// model_version (the coman.* procedures key their copy of a concept's units by it).
// Parameters:
//   $concepts — list of {properties (with concept_id and class), model_version}
// Returns: concepts — created
UNWIND $concepts AS row
MATCH (n:DetectorNeuron)
WHERE n.class = row.properties.class
CREATE (n)-[:HAS_COMPARTMENT]->(c:Concept)
SET c += row.properties, c.status = 'active', c.model_version = row.model_version
RETURN count(c) AS concepts
