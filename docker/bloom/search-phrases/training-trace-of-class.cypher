// Bloom search phrase "training trace of class $class" (graph form of
// cypher/audit/concept-trajectory): every sample each active concept of the class absorbed,
// as ABSORBED edges carrying step, energy_before, energy_after and operators.
// Parameters:
//   $class — the digit class of the detector neuron (integer)
// Returns: paths neuron→concept→absorbed sample
MATCH p = (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(:Concept {status: 'active'})
          -[:ABSORBED]->(:Sample)
RETURN p
