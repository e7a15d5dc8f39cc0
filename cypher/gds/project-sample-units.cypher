// Project the units of stored samples and the relationships between them (BOUNDED_BY,
// INTERCONNECTS) into a GDS graph (Cypher projection, GDS 2.x aggregation function) for
// gds/broken-contours. A unit without an outgoing relationship is still projected (as a node
// of its own), so an isolated point counts as a separate component.
// Parameters:
//   $graph_name — name of the in-memory graph to create (must not exist)
//   $split — only samples of this split ('train' or 'test'), or null for every split
// Returns: graph — gds.graph.project's map (graphName, nodeCount, relationshipCount, ...)
MATCH (s:Sample)-[:HAS_UNIT]->(u:Unit)
WHERE $split IS NULL OR s.split = $split
OPTIONAL MATCH (u)-[:BOUNDED_BY|INTERCONNECTS]->(v:Unit)
RETURN gds.graph.project($graph_name, u, v) AS graph
