// Kernel, fast path of kernel/match on a server with the coman.* procedures: the same matching,
// computed by coman.match (engines/neo4j/procedures), with the same input and output variables.
// Input variables: sample, classes, status, training, concept_id (as kernel/unit-pairs).
// Parameters:
//   $distance_weight — rank penalty per squared unit of distance (normalised coordinates)
//   $tie_bonus — rank bonus of a pair that already corresponds (0 outside training)
// Output rows: sample, concept_id, cus, sus, scores, unit_energy, links, link_energy
CALL coman.match(sample, classes, status, training, concept_id,
                 {distance_weight: $distance_weight, tie_bonus: $tie_bonus})
  YIELD concept_id AS matched, cus, sus, scores, unit_energy, links, link_energy
WITH sample, matched AS concept_id, cus, sus, scores, unit_energy, links, link_energy
