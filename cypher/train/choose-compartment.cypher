// One absorption step's choice: match a sample to every compartment (concept) its class's
// training run has so far (kernel/unit-pairs, kernel/link-energy), and choose the one it costs
// least: loss = 1 - (energy the sample fills) / (the compartment's founding energy), ties to
// the higher current energy, then the lower compartment number. When the best loss is within
// $compartment_loss, the chosen compartment's correspondence is written as CORRESPONDS
// {sample_id, step, score} for the reduction operators, and one from its figure to the
// sample's; otherwise nothing is written and the sample is to open a new compartment
// (train/create-concept). A sample the run has absorbed already is left alone.
// Parameters:
//   $class — the digit class
//   $training — the training run id
//   $sample_id — the sample to absorb
//   $compartment_loss — the largest loss an existing compartment may take
// Returns: absorbed — true if the run had absorbed the sample already; concept_id — the chosen
//   compartment, null to open a new one; step — its absorption step; energy_before — its energy;
//   loss — the chosen loss; concepts — the run's concept ids; next_compartment — the number a
//   new compartment takes (one above the run's highest)
MATCH (s:Sample {sample_id: $sample_id})
CALL () {
  MATCH (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {training: $training})
  RETURN collect(c) AS concepts
}
WITH s, concepts, any(c IN concepts WHERE EXISTS { (c)-[:ABSORBED]->(s) }) AS absorbed
CALL (s, absorbed) {
  WITH s AS sample, [$class] AS classes, 'training' AS status, $training AS training,
       null AS concept_id
  WHERE NOT absorbed
  // @include kernel/match
  RETURN collect({concept_id: concept_id, cus: cus, sus: sus, scores: scores,
                  energy: unit_energy + link_energy}) AS matches
}
WITH s, concepts, absorbed,
     [c IN concepts | {c: c, m: [m IN matches WHERE m.concept_id = c.concept_id][0]}] AS scored
UNWIND CASE WHEN absorbed OR size(scored) = 0 THEN [null] ELSE scored END AS x
WITH s, concepts, absorbed, x,
     CASE WHEN x.c.founding_energy > 0
       THEN 1.0 - coalesce(x.m.energy, 0.0) / x.c.founding_energy ELSE 1.0 END AS loss
ORDER BY loss, x.c.energy DESC, x.c.compartment
WITH s, concepts, absorbed, collect({x: x, loss: loss})[0] AS best
WITH s, concepts, absorbed,
     CASE WHEN best.x IS NOT NULL AND best.loss <= $compartment_loss THEN best END AS chosen
WITH s, concepts, absorbed, chosen, chosen.x.c.examples_seen + 1 AS step
CALL (s, chosen, step) {
  WITH s, chosen, step, coalesce(chosen.x.m.cus, []) AS cus
  UNWIND range(0, size(cus) - 1) AS i
  WITH s, step, cus[i] AS cu, chosen.x.m.sus[i] AS su, chosen.x.m.scores[i] AS score
  CREATE (cu)-[:CORRESPONDS {sample_id: s.sample_id, step: step, score: score}]->(su)
  RETURN count(*) AS pairs
}
CALL (s, chosen, step) {
  WITH s, chosen.x.c AS c, step
  WHERE c IS NOT NULL
  MATCH (c)-[:HAS_FIGURE]->(cf:ConceptFigure)
  MATCH (s)-[:HAS_FIGURE]->(f:Figure)
  CREATE (cf)-[:CORRESPONDS {sample_id: s.sample_id, step: step}]->(f)
}
RETURN absorbed, chosen.x.c.concept_id AS concept_id, step,
       chosen.x.c.energy AS energy_before, chosen.loss AS loss,
       [c IN concepts | c.concept_id] AS concepts,
       reduce(n = 0, c IN concepts | CASE WHEN c.compartment >= n THEN c.compartment + 1
                                     ELSE n END) AS next_compartment
