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
UNWIND groups AS group
MATCH (image:Sample {sample_id: group.image})
UNWIND [r IN results WHERE r.sample_id = group.image OR r.sample_id IN group.views] AS result
UNWIND result.ranked AS neuron
WITH image, neuron, result.sample_id = image.sample_id AS own
  ORDER BY neuron.activation
WITH image, neuron.class AS class, collect(neuron.activation) AS activations,
     [n IN collect(CASE WHEN own THEN neuron END) WHERE n IS NOT NULL][0] AS mine
WITH image,
     {class: class, concept_id: mine.concept_id,
      activation: reduce(a = 0.0, x IN activations | a + x) / size(activations),
      fill: mine.fill, coverage: mine.coverage, figure_missing: mine.figure_missing,
      energy: mine.energy, examples: mine.examples} AS neuron
  ORDER BY neuron.activation DESC, neuron.examples DESC, neuron.energy DESC, neuron.concept_id
WITH image, collect(neuron) AS ranked
RETURN image.sample_id AS sample_id, image.label AS label, ranked[0].class AS winner, ranked
