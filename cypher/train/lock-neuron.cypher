// Take the write lock of a class's detector neuron (created if missing) for one absorption step:
// writing a new model_version to it makes concurrent steps of the class run one after the other
// (Neo4j waits for the lock; ArcadeDB fails the later commit, which the caller retries), so a step
// reads the training state it changes only after every earlier step has committed. The new
// model_version also marks every in-memory copy of the class's concepts stale (the coman.*
// procedures key their cache by it).
// Parameters:
//   $class — the digit class
//   $model_version — a token no earlier write of the class's concepts used
// Returns: model_version
MERGE (n:DetectorNeuron {class: $class})
SET n.model_version = $model_version
RETURN n.model_version AS model_version
