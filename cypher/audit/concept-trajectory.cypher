// The energy trajectory of a class's concepts: one row per absorption step (ABSORBED), in
// step order, with the energies before and after and the operators applied.
// Parameters:
//   $class — the digit class of the detector neuron
//   $status — which concepts to show, e.g. 'active'
// Returns: concept_id, compartment, step, energy_before, energy_after, operators, sample_id
MATCH (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {status: $status})
MATCH (c)-[a:ABSORBED]->(s:Sample)
RETURN c.concept_id AS concept_id, c.compartment AS compartment, a.step AS step,
       a.energy_before AS energy_before, a.energy_after AS energy_after,
       a.operators AS operators, s.sample_id AS sample_id
ORDER BY compartment, step
