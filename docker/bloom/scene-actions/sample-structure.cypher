// Bloom scene action "Structural graph" on Sample nodes (right-click the selected samples):
// adds each selected sample's units with their BOUNDED_BY and INTERCONNECTS edges.
// Parameters:
//   $nodes — element ids of the selected nodes (Bloom passes them)
// Returns: paths sample→unit and unit→unit
UNWIND $nodes AS id
MATCH p = (s:Sample WHERE elementId(s) = id)-[:HAS_UNIT]->(u:Unit)
OPTIONAL MATCH q = (u)-[:BOUNDED_BY|INTERCONNECTS]->(:Unit)
RETURN p, q
