// Import (model file), first write: for each class of the file, its detector neuron (kept, or
// created) takes the file's properties and a fresh model_version, so the coman.* procedures
// read the class again; every concept of the class, whatever its status, is deleted with its
// units and figures (and their ANCHORS, CORRESPONDS, ABSORBED).
// Parameters:
//   $neurons — list of {class, properties, model_version}
// Returns: neurons — written, removed — concepts deleted
UNWIND $neurons AS row
MERGE (n:DetectorNeuron {class: row.class})
SET n += row.properties, n.model_version = row.model_version
WITH n
CALL (n) {
  MATCH (old:Concept)
  WHERE old.class = n.class
  OPTIONAL MATCH (old)-[:HAS_UNIT|HAS_FIGURE]->(u)
  // counted by id: ArcadeDB counts deleted nodes as one under DISTINCT
  WITH old, old.concept_id AS concept_id, u
  DETACH DELETE u, old
  RETURN count(DISTINCT concept_id) AS removed
}
RETURN count(n) AS neurons, sum(removed) AS removed
