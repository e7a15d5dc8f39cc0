// Probe for the Graph Data Science library: its version, or an error from a server without it
// ("Unknown function"). Run by coman_graph.gds before anything else; only GDS-enabled Neo4j
// servers answer it.
// Parameters: none
// Returns: version — the installed GDS version, e.g. '2.13.2'
RETURN gds.version() AS version
