// Near-duplicate compartments: pairs of active concepts of the same class whose sets of
// parameter codes (as projected by gds/project-concept-codes) have a Jaccard similarity of at
// least $cutoff, computed by gds.nodeSimilarity. Each pair is reported once, the concept with
// the smaller concept_id first.
// Parameters:
//   $graph_name — the graph made by gds/project-concept-codes
//   $cutoff — minimum Jaccard similarity reported, 0 to 1
//   $top_k — at most this many most-similar concepts are kept per concept
// Returns: class, concept_a, concept_b, compartment_a, compartment_b, examples_a, examples_b,
//   energy_a, energy_b, similarity — one row per pair, most similar first within a class
CALL gds.nodeSimilarity.stream($graph_name, {similarityCutoff: $cutoff, topK: $top_k})
YIELD node1, node2, similarity
WITH gds.util.asNode(node1) AS x, gds.util.asNode(node2) AS y, similarity
WHERE x.class = y.class
WITH DISTINCT CASE WHEN x.concept_id < y.concept_id THEN x ELSE y END AS a,
              CASE WHEN x.concept_id < y.concept_id THEN y ELSE x END AS b,
              similarity
RETURN a.class AS class, a.concept_id AS concept_a, b.concept_id AS concept_b,
       a.compartment AS compartment_a, b.compartment AS compartment_b,
       a.examples_seen AS examples_a, b.examples_seen AS examples_b,
       a.energy AS energy_a, b.energy AS energy_b, similarity
ORDER BY class, similarity DESC, concept_a, concept_b
