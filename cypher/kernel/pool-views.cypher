// Kernel (included by infer/activate and its procedure fast path): pool each sample's neurons
// over the sample and its views (kernel/sample-views). A neuron's activation for the sample is
// the mean of its activations for the sample and each view (summed in ascending order, so the
// figure does not depend on the order the engine meets them in); the compartment it reports
// is the sample's own best. A sample without views keeps its own activations exactly.
// Winner-take-all over the pooled neurons (ties to more examples, the higher energy, the lower
// concept id).
// Input variables: groups (kernel/sample-views); results — [{sample_id, ranked}], a sample's
//   or view's neurons, best first, as infer/activate ranks them
// Parameters: none
// Output rows: sample_id, label, winner, ranked — as infer/activate returns them
// each result meets the groups it belongs to by sample id (one aggregation, not a search per
// group): its image's, and its own when it is an image of the batch
UNWIND reduce(all = [], g IN groups | all + [m IN [g.image] + g.views | {key: m, group: g}])
       + [r IN results | {key: r.sample_id, ranked: r.ranked}] AS row
WITH row.key AS key, collect(row) AS rows
WITH key, [x IN rows WHERE x.ranked IS NOT NULL][0].ranked AS ranked,
     [x IN rows WHERE x.group IS NOT NULL | x.group] AS owners
UNWIND owners AS group
UNWIND ranked AS neuron
WITH group, neuron, key = group.image AS own
  ORDER BY neuron.activation
WITH group, neuron.class AS class, collect(neuron.activation) AS activations,
     [n IN collect(CASE WHEN own THEN neuron END) WHERE n IS NOT NULL][0] AS mine
WITH group,
     {class: class, concept_id: mine.concept_id,
      activation: reduce(a = 0.0, x IN activations | a + x) / size(activations),
      fill: mine.fill, coverage: mine.coverage, figure_missing: mine.figure_missing,
      energy: mine.energy, examples: mine.examples} AS neuron
  ORDER BY neuron.activation DESC, neuron.examples DESC, neuron.energy DESC, neuron.concept_id
WITH group, collect(neuron) AS ranked
RETURN group.image AS sample_id, group.label AS label, ranked[0].class AS winner, ranked
