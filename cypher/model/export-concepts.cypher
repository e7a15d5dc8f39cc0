// Export (model file): the active concepts (compartments) of the given classes, with all their
// properties but model_version (null: import writes a fresh one), and their figures.
// Parameters:
//   $classes — the classes whose active concepts are exported
// Returns: concept_id, concept — its properties, model_version null; figures — the properties
//   of its (:ConceptFigure) nodes (one per concept as training writes them)
MATCH (n:DetectorNeuron)-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'})
WHERE n.class IN $classes
OPTIONAL MATCH (c)-[:HAS_FIGURE]->(cf:ConceptFigure)
WITH c, collect(properties(cf)) AS figures
RETURN c.concept_id AS concept_id, c {.*, model_version: null} AS concept, figures
ORDER BY concept_id
