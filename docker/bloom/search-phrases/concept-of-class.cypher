// Bloom search phrase "concept of class $class" (graph form of cypher/audit/concept-units):
// the detector neuron of a class, its active concepts (compartments) and each concept's
// hypergraph — concept units with the BOUNDED_BY and INTERCONNECTS edges among them.
// Parameters:
//   $class — the digit class of the detector neuron (integer, as stored in DetectorNeuron.class)
// Returns: paths neuron→concept, concept→unit, unit→unit (null where a concept has no units)
MATCH p = (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'})
OPTIONAL MATCH q = (c)-[:HAS_UNIT]->(u:ConceptUnit)
OPTIONAL MATCH r = (u)-[:BOUNDED_BY|INTERCONNECTS]->(:ConceptUnit)
RETURN p, q, r
