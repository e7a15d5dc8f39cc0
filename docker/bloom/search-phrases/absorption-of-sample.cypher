// Bloom search phrase "absorption of sample $sample_id": the concepts that absorbed a sample
// and, for each, the CORRESPONDS edges recorded at that step — which concept unit matched
// which unit of the sample (the explanation of the training decision).
// Parameters:
//   $sample_id — e.g. mnist/train/5 or mnist/train/5/aug7-3
// Returns: paths neuron→concept→sample, concept→concept unit→sample unit←sample
MATCH p = (:DetectorNeuron)-[:HAS_COMPARTMENT]->(c:Concept)-[:ABSORBED]->(s:Sample {sample_id: $sample_id})
OPTIONAL MATCH q = (c)-[:HAS_UNIT]->(:ConceptUnit)-[:CORRESPONDS {sample_id: $sample_id}]->(:Unit)
                   <-[:HAS_UNIT]-(s)
RETURN p, q
