// Export (model file): the detector neurons of the chosen classes that have active concepts,
// with their properties but model_version (null: import writes a fresh one), which is returned
// apart (the exporter reads it again at the end to see that no training ran meanwhile).
// Parameters:
//   $classes — the classes to export, or null for every class with active concepts
// Returns: class, neuron — its properties, model_version null; model_version
MATCH (n:DetectorNeuron)-[:HAS_COMPARTMENT]->(:Concept {status: 'active'})
WHERE $classes IS NULL OR n.class IN $classes
WITH DISTINCT n
RETURN n.class AS class, n {.*, model_version: null} AS neuron, n.model_version AS model_version
ORDER BY class
