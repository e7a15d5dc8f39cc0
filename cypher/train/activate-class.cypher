// Make one training run's concepts the class's model, atomically: the previously active
// concepts of the class and any other unfinished run's concepts are deleted with their units
// and figures, and the run's concepts and their units become 'active'. The neuron takes a new
// model_version (see train/lock-neuron).
// Parameters:
//   $class — the digit class
//   $training — the training run id whose concepts become active
//   $model_version — a token no earlier write of the class's concepts used
// Returns: activated, removed — concepts
MATCH (n:DetectorNeuron {class: $class})
SET n.model_version = $model_version
WITH n
CALL (n) {
  MATCH (n)-[:HAS_COMPARTMENT]->(old:Concept)
  WHERE old.training <> $training
  OPTIONAL MATCH (old)-[:HAS_UNIT|HAS_FIGURE]->(u)
  DETACH DELETE u, old
  RETURN count(DISTINCT old) AS removed
}
CALL (n) {
  MATCH (n)-[:HAS_COMPARTMENT]->(c:Concept {training: $training})
  SET c.status = 'active'
  WITH c
  OPTIONAL MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit)
  SET cu.status = 'active'
  RETURN count(DISTINCT c) AS activated
}
RETURN activated, removed
