// Import (model file): create a batch of relationships between concept units
// (model/import-units created them), found by the unit ids of their ends: BOUNDED_BY, and
// INTERCONNECTS with the file's properties.
// Parameters:
//   $bounded_by — list of {source, target} unit ids
//   $interconnects — list of {source, target, properties}
// Returns: bounded_by, interconnects — created
CALL () {
  UNWIND $bounded_by AS row
  MATCH (a:ConceptUnit {unit_id: row.source})
  MATCH (b:ConceptUnit {unit_id: row.target})
  CREATE (a)-[:BOUNDED_BY]->(b)
  RETURN count(*) AS bounded_by
}
CALL () {
  UNWIND $interconnects AS row
  MATCH (a:ConceptUnit {unit_id: row.source})
  MATCH (b:ConceptUnit {unit_id: row.target})
  CREATE (a)-[r:INTERCONNECTS]->(b)
  SET r += row.properties
  RETURN count(r) AS interconnects
}
RETURN bounded_by, interconnects
