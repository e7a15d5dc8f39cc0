// Activate the active concepts (compartments) of the competing classes with each sample of a
// batch, and rank the detector neurons. A concept is matched to the sample as in training
// (kernel/match: mutual-best pairs of units sharing an anchor cell, and interconnections whose
// counterparts are interconnected), without writing anything. The specification of the
// coman.activate procedure (infer/activate.procedure).
//   fill     = matched energy / concept energy     (how much of the concept the sample fills)
//   coverage = matched sample units and interconnections / all of the sample's
//              (penalises the sample's unexplained structure: an over-general, low-energy
//              concept that matches a few units of anything explains little)
//   explained = matched energy / max(concept energy, the sample's energy at the concept's
//               resolution: its points, segments and interconnections counted at the
//               concept's mean energy per point, segment and interconnection)
//   activation = fill * coverage (rule 'fill_coverage', the default), explained ('explained')
//                or fill alone ('fill', which lets over-general concepts win),
//                times 2 ^ -($figure_weight * the bits of the concept's figure the sample
//                leaves unfilled: kernel/figure-energy).
// A concept that shares no unit pair with the sample has activation 0. A neuron's compartments
// are ranked by activation (ties to the one that absorbed more examples, then to the higher
// energy, then to the lower concept id); its best one speaks for it, with the mean activation
// of its $top_compartments best (of all its matched ones if fewer), summed best first.
// A sample's views (augmented copies linked to it at ingest, up to $views of them) are
// activated the same way, and each neuron's activation pooled over the sample and its views
// (kernel/pool-views); winner-take-all over the pooled neurons, the same way.
// Parameters:
//   $sample_ids — the batch of samples to classify
//   $classes — the detector neurons that compete (digit classes)
//   $rule — 'explained', 'fill_coverage' or 'fill'
//   $figure_weight — activation halves per 1 / $figure_weight bits of figure left unfilled
//   $top_compartments — how many of a neuron's best compartments its activation averages
//   $views — how many of a sample's views take part (0: none)
// Returns: sample_id, label, winner (class), ranked — each neuron's best compartment, best first:
//   [{class, concept_id, activation, fill, coverage, figure_missing, energy, examples}]
// @include kernel/sample-views
CALL () {
  MATCH (c:Concept {status: 'active'})
  WHERE c.class IN $classes
  WITH c ORDER BY c.examples_seen DESC, c.energy DESC, c.concept_id
  WITH c.class AS class, collect(c)[0] AS c
  RETURN collect({class: class, concept_id: c.concept_id, activation: 0.0, fill: 0.0,
                  coverage: 0.0, figure_missing: 0.0, energy: c.energy,
                  examples: c.examples_seen}) AS unmatched
}
CALL (ids) {
  UNWIND ids AS sample_id
  MATCH (sample:Sample {sample_id: sample_id})
  WITH sample, $classes AS classes, 'active' AS status, null AS training, null AS concept_id
  // @include kernel/match
  MATCH (c:Concept {concept_id: concept_id})
  // @include kernel/figure-energy
  WITH sample, collect({c: c, matched: unit_energy + link_energy, figure_missing: figure_missing,
                        explained_units: toFloat(size(cus)) + links}) AS hits
  RETURN collect({sample_id: sample.sample_id, hits: hits}) AS batch
}
CALL (ids, unmatched, batch) {
  UNWIND ids AS sample_id
  MATCH (s:Sample {sample_id: sample_id})
  WITH s, unmatched, coalesce([b IN batch WHERE b.sample_id = sample_id][0].hits, []) AS hits
  // a sample no concept matched keeps one row (hit null) and ranks the unmatched neurons only
  UNWIND CASE WHEN size(hits) = 0 THEN [null] ELSE hits END AS hit
  WITH s, unmatched, hit.c AS c, hit.matched AS matched, hit.explained_units AS explained_units,
       hit.figure_missing AS figure_missing
  WITH s, unmatched, c, matched, figure_missing,
       explained_units / (s.n_units + s.n_links) AS coverage,
       (s.n_units - s.n_segments) * c.mean_point_energy + s.n_segments * c.mean_segment_energy
         + s.n_links * c.mean_link_energy AS sample_energy
  WITH s, unmatched, c, coverage, figure_missing,
       CASE WHEN c.energy > 0 THEN matched / c.energy ELSE 0.0 END AS fill,
       CASE WHEN c.energy > 0 THEN matched / CASE WHEN sample_energy > c.energy
         THEN sample_energy ELSE c.energy END ELSE 0.0 END AS explained
  WITH s, unmatched, c, fill, coverage, figure_missing,
       CASE $rule WHEN 'fill' THEN fill WHEN 'explained' THEN explained
         ELSE fill * coverage END * 2.0 ^ (-$figure_weight * figure_missing) AS activation
  ORDER BY activation DESC, c.examples_seen DESC, c.energy DESC, c.concept_id
  WITH s, unmatched, c.class AS class,
       collect({class: c.class, concept_id: c.concept_id, activation: activation, fill: fill,
                coverage: coverage, figure_missing: figure_missing, energy: c.energy,
                examples: c.examples_seen}) AS compartments
  WITH s, unmatched, compartments[0] AS best, compartments[0..$top_compartments] AS top
  WITH s, unmatched,
       {class: best.class, concept_id: best.concept_id,
        activation: reduce(a = 0.0, t IN top | a + t.activation) / size(top), fill: best.fill,
        coverage: best.coverage, figure_missing: best.figure_missing, energy: best.energy,
        examples: best.examples} AS best
  WITH s, unmatched, [b IN collect(best) WHERE b.class IS NOT NULL] AS matched_neurons
  UNWIND matched_neurons + [u IN unmatched WHERE NOT u.class IN [m IN matched_neurons | m.class]]
    AS neuron
  WITH s, neuron
    ORDER BY neuron.activation DESC, neuron.examples DESC, neuron.energy DESC, neuron.concept_id
  WITH s, collect(neuron) AS ranked
  RETURN collect({sample_id: s.sample_id, ranked: ranked}) AS results
}
// @include kernel/pool-views
