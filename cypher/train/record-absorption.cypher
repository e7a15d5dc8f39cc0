// Record one absorption step of a sample by a concept: an ABSORBED relationship with the step,
// the energies before and after and the operators applied; the concept's counters follow.
// stable_since is the first step from which no example changed the concept (attractor); the
// founding example's energy (step 1) is kept as founding_energy, which compartment choice
// measures losses against. The step is the last write of an absorption step to the concept, so
// the token it stores as the concept's model_version names the concept's state (the coman.*
// procedures keep concepts in memory by it).
// Parameters:
//   $concept_id — the concept
//   $sample_id — the absorbed sample
//   $step — the step number within the concept (1 = founding example)
//   $energy_before — concept energy before the step (0 for the founding example)
//   $energy_after — concept energy after it
//   $operators — names of the operators applied, e.g. ["R_uc", "R_w", "R_sp"]
//   $model_version — a token no earlier write of the concept used
// Returns: step, energy
MATCH (c:Concept {concept_id: $concept_id})
WITH c
MATCH (s:Sample {sample_id: $sample_id})
CREATE (c)-[:ABSORBED {step: $step, energy_before: $energy_before, energy_after: $energy_after,
                       operators: $operators}]->(s)
SET c.examples_seen = $step,
    c.model_version = $model_version,
    c.energy = $energy_after,
    c.founding_energy = CASE WHEN $step = 1 THEN $energy_after ELSE c.founding_energy END,
    c.stable_since = CASE WHEN $step > 1 AND $energy_after = $energy_before
                          THEN c.stable_since ELSE $step END
RETURN $step AS step, c.energy AS energy
