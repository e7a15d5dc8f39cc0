// Bloom search phrase "misclassified in run $run_id" (graph form of cypher/audit/run-errors):
// the samples a run got wrong, each with its winning CLASSIFIED edge to the wrong neuron, its
// CLASSIFIED edge to the neuron of its true label (both carry the activation), and the
// winning neuron's compartment that gave the activation (CLASSIFIED.concept_id; none for runs
// recorded before compartments were, or when that concept has since been replaced).
// Parameters:
//   $run_id — the Run's id (Run.run_id; CLASSIFIED.run_id)
// Returns: paths sample→winning neuron, sample→true-class neuron, winning neuron→concept
MATCH p = (s:Sample)-[w:CLASSIFIED {run_id: $run_id, winner: true}]->(n:DetectorNeuron)
WHERE s.label <> n.class
OPTIONAL MATCH q = (s)-[:CLASSIFIED {run_id: $run_id}]->(:DetectorNeuron {class: s.label})
OPTIONAL MATCH r = (n)-[:HAS_COMPARTMENT]->(c:Concept)
  WHERE c.concept_id = w.concept_id
RETURN p, q, r
