// Drop an in-memory GDS graph made by a gds/project-* query; no row when it does not exist.
// Run after every analysis, also when the analysis failed.
// Parameters:
//   $graph_name — the graph to drop
// Returns: graph_name — the dropped graph (no row if there was none)
CALL gds.graph.drop($graph_name, false)
YIELD graphName
RETURN graphName AS graph_name
