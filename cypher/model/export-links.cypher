// Export (model file): the relationships between the units of each of a batch of concepts,
// BOUNDED_BY (no properties) and INTERCONNECTS (codes, params, levels, seen, table, energies), by the unit ids
// of their ends. CORRESPONDS (to sample units) is not part of a model.
// Parameters:
//   $concept_ids — the concepts whose relationships are exported
// Returns: type, source, target — unit ids, properties
UNWIND $concept_ids AS concept_id
MATCH (c:Concept {concept_id: concept_id})-[:HAS_UNIT]->(a:ConceptUnit)
MATCH (a)-[r:BOUNDED_BY|INTERCONNECTS]->(b:ConceptUnit)<-[:HAS_UNIT]-(c)
RETURN type(r) AS type, a.unit_id AS source, b.unit_id AS target, properties(r) AS properties
ORDER BY type, source, target
