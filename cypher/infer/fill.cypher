// How much of one concept a sample fills: the matching of classification and training
// (kernel/unit-pairs, kernel/link-energy, kernel/figure-energy) for one sample and one
// concept, whatever its status, without writing anything.
// Parameters:
//   $sample_id — the sample
//   $concept_id — the concept
// Returns: pairs — unit pairs matched, unit_energy, links — interconnections matched,
//   link_energy, energy — the concept's energy, figure_fill — the figure energy filled,
//   figure_energy — the concept's
MATCH (s:Sample {sample_id: $sample_id})
MATCH (c:Concept {concept_id: $concept_id})
CALL (s, c) {
  WITH s AS sample, [c.class] AS classes, null AS status, null AS training, c.concept_id AS concept_id
  // @include kernel/match
  RETURN collect({pairs: size(cus), unit_energy: unit_energy, links: links,
                  link_energy: link_energy}) AS found
}
WITH s AS sample, c, found
// @include kernel/figure-energy
RETURN coalesce(found[0].pairs, 0) AS pairs, coalesce(found[0].unit_energy, 0.0) AS unit_energy,
       coalesce(found[0].links, 0) AS links, coalesce(found[0].link_energy, 0.0) AS link_energy,
       c.energy AS energy, figure_fill, c.figure_energy AS figure_energy
