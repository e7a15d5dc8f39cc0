// Bloom scene action "Concept hypergraph" on Concept nodes (right-click the selected concepts):
// adds each selected concept's units with the BOUNDED_BY and INTERCONNECTS edges among them.
// Parameters:
//   $nodes — element ids of the selected nodes (Bloom passes them)
// Returns: the concepts, paths concept→unit and unit→unit
UNWIND $nodes AS id
MATCH (c:Concept WHERE elementId(c) = id)
OPTIONAL MATCH q = (c)-[:HAS_UNIT]->(u:ConceptUnit)
OPTIONAL MATCH r = (u)-[:BOUNDED_BY|INTERCONNECTS]->(:ConceptUnit)
RETURN c, q, r
