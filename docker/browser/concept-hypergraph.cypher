// Neo4j Browser: one compartment of a detector neuron as a hypergraph — the neuron, its active
// concept with that compartment number, the concept's units and the BOUNDED_BY and
// INTERCONNECTS edges among them (Browser also draws the edges between returned nodes).
// Set the parameters first, e.g. `:param class => 7` and `:param compartment => 0`.
// scripts/screenshot-browser runs it to draw docs/browser-concept.png.
// Parameters:
//   $class — the digit class of the detector neuron (integer, DetectorNeuron.class)
//   $compartment — the compartment number (integer, Concept.compartment; 0 is the first)
// Returns: paths neuron→concept→unit, each extended by at most one edge to another unit
MATCH p = (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {status: 'active'})
          -[:HAS_UNIT]->(:ConceptUnit)-[:INTERCONNECTS|BOUNDED_BY*0..1]-(:ConceptUnit)
WHERE c.compartment = $compartment
RETURN p
