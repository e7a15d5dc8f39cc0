// Project active concepts and the parameter codes their units hold into a bipartite GDS graph
// (Cypher projection, GDS 2.x aggregation function) for gds/similar-concepts.
// A code is "<family>/<parameter>=<code>": the unit's kind family ('point' or 'Segment'), the
// parameter name and its code at the level the concept holds it, or, with $max_bits, at the
// first level at or coarser than that one whose energy is at most $max_bits bits. Wildcards
// ('*') carry no information and are left out. Codes are per class (concepts of different
// classes never share one) and are not stored in the database, so each distinct (class, code)
// becomes a projected node of its own: GDS takes an integer as a node, and the codes get the
// ids code_id_base (2^62), code_id_base + 1, ..., far above the node ids Neo4j hands out, so a
// code never coincides with a concept. The projection holds one relationship (:Concept) ->
// code per code the concept holds.
// Parameters:
//   $graph_name — name of the in-memory graph to create (must not exist)
//   $class — only concepts of this digit class, or null for every class
//   $max_bits — coarsen each code to at most this many bits of energy, or null for the
//     concept's own levels
// Returns: graph — gds.graph.project's map (graphName, nodeCount, relationshipCount, ...)
MATCH (c:Concept {status: 'active'})-[:HAS_UNIT]->(cu:ConceptUnit)
WHERE $class IS NULL OR c.class = $class
UNWIND range(0, size(cu.params) - 1) AS i
WITH c, cu, cu.params[i] AS parameter, cu.levels[i] AS level
MATCH (scale:Scale)
WHERE parameter IN scale.parameters
WITH c, cu, parameter,
     CASE WHEN $max_bits IS NULL THEN level
          ELSE head([j IN range(level, size(scale.energies) - 1)
                     WHERE scale.energies[j] <= $max_bits])
     END AS held
WITH c, cu, parameter, cu[parameter][held] AS value
WHERE value IS NOT NULL AND value <> '*'
WITH c.class AS class, cu.kind_code[1] + '/' + parameter + '=' + value AS code,
     collect(DISTINCT c) AS holders
WITH collect(holders) AS codes, 4611686018427387904 AS code_id_base
UNWIND range(0, size(codes) - 1) AS k
UNWIND codes[k] AS concept
RETURN gds.graph.project($graph_name, concept, code_id_base + k) AS graph
