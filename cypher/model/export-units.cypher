// Export (model file): the units of a batch of concepts, with all their properties (code
// lists, params, levels, seen, table, energies, anchor_keys, key, kind, x, y, ...).
// Parameters:
//   $concept_ids — the concepts whose units are exported
// Returns: unit_id, unit — its properties
UNWIND $concept_ids AS concept_id
MATCH (:Concept {concept_id: concept_id})-[:HAS_UNIT]->(cu:ConceptUnit)
RETURN cu.unit_id AS unit_id, properties(cu) AS unit
ORDER BY unit_id
