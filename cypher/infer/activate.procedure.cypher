// Fast path of infer/activate on a server with the coman.* procedures: the same activation and
// winner-take-all over a batch of samples, computed by coman.activate
// (engines/neo4j/procedures), which keeps the active concepts in memory per model version and
// pools a sample's views as kernel/sample-views and kernel/pool-views do.
// Parameters:
//   $sample_ids — the batch of samples to classify
//   $classes — the detector neurons that compete (digit classes)
//   $rule — 'explained', 'fill_coverage' or 'fill'
//   $figure_weight — activation halves per 1 / $figure_weight bits of figure left unfilled
//   $top_compartments — how many of a neuron's best compartments its activation averages
//   $distance_weight — rank penalty per squared unit of distance (normalised coordinates)
//   $views — how many of a sample's views take part (0: none)
// Returns: sample_id, label, winner (class), ranked — each neuron's best compartment, best first:
//   [{class, concept_id, activation, fill, coverage, figure_missing, energy, examples}]
CALL coman.activate($sample_ids, $classes,
                    {rule: $rule, figure_weight: $figure_weight, distance_weight: $distance_weight,
                     top_compartments: $top_compartments, views: $views})
  YIELD sample_id, label, winner, ranked
RETURN sample_id, label, winner, ranked
