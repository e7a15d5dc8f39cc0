// Probe for the coman.* procedure plugin (engines/neo4j/procedures): its version and the revision
// of the matching kernel it implements, or an error from a server without it. Run by
// coman_graph.graphstore.kernel when a store is opened with kernel 'auto' or 'procedure'.
// Parameters: none
// Returns: version — the plugin's version; kernel — its kernel revision
CALL coman.version() YIELD version, kernel
RETURN version, kernel
