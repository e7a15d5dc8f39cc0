// Bloom search phrase "graph of sample $sample_id" (graph form of cypher/audit/sample-graph):
// a sample's structural hypergraph — its units, segments BOUNDED_BY their points and the
// INTERCONNECTS edges between segments.
// Parameters:
//   $sample_id — e.g. mnist/test/0
// Returns: paths sample→unit and unit→unit
MATCH p = (:Sample {sample_id: $sample_id})-[:HAS_UNIT]->(u:Unit)
OPTIONAL MATCH q = (u)-[:BOUNDED_BY|INTERCONNECTS]->(:Unit)
RETURN p, q
