// The misclassified samples of a run: the winning neuron is not the sample's label. For each,
// the winner's and the true class's activation and the compartment that gave it (null when
// the true class was not among the run's neurons or the run predates recorded compartments).
// Parameters:
//   $run_id — the run's id
// Returns: sample_id, label, split, index, augmentation, aug_seed, predicted,
//   winner_activation, winner_concept, true_activation, true_concept
MATCH (s:Sample)-[w:CLASSIFIED {run_id: $run_id, winner: true}]->(n:DetectorNeuron)
WHERE n.class <> s.label
OPTIONAL MATCH (s)-[t:CLASSIFIED {run_id: $run_id}]->(:DetectorNeuron {class: s.label})
RETURN s.sample_id AS sample_id, s.label AS label, s.split AS split, s.index AS index,
       s.augmentation AS augmentation, s.aug_seed AS aug_seed, n.class AS predicted,
       w.activation AS winner_activation, w.concept_id AS winner_concept,
       t.activation AS true_activation, t.concept_id AS true_concept
ORDER BY sample_id
