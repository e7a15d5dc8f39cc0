// Project active concepts and the parameter codes their units hold into a bipartite GDS graph
// (Cypher projection, GDS 2.x aggregation function) for gds/similar-concepts.
// A code is "<family>/<parameter>=<code>": the unit's kind family ('point' or 'Segment'), the
// parameter name and its code at the level the concept holds it, or, with $max_bits, at the
// first level at or coarser than that one whose energy is at most $max_bits bits. Wildcards
// ('*') carry no information and are left out. Each distinct code of a class is represented by
// one concept unit of that class holding it (the one with the smallest unit_id), so the
// projection needs no extra nodes: (:Concept) -> representative (:ConceptUnit), one
// relationship per code the concept holds. Concepts of different classes never share a code.
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
     collect(DISTINCT c) AS holders, min(cu.unit_id) AS representative_id
MATCH (representative:ConceptUnit {unit_id: representative_id})
UNWIND holders AS concept
RETURN gds.graph.project($graph_name, concept, representative) AS graph
