// The concepts of one training run of a class, and the samples they have absorbed so far
// (what a resumed training skips).
// Parameters:
//   $class — the digit class
//   $training — the training run id
// Returns: concept_id, compartment, energy, founding_energy, examples_seen, absorbed — sample ids
MATCH (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {training: $training})
OPTIONAL MATCH (c)-[a:ABSORBED]->(s:Sample)
RETURN c.concept_id AS concept_id, c.compartment AS compartment, c.energy AS energy,
       c.founding_energy AS founding_energy, c.examples_seen AS examples_seen,
       collect(s.sample_id) AS absorbed
ORDER BY compartment
