// Take the write lock of a class's detector neuron (created if missing) for one absorption step:
// bumping its lock_version makes concurrent steps of the class run one after the other (Neo4j
// waits for the lock; ArcadeDB fails the later commit, which the caller retries), so a step
// reads the training state it changes only after every earlier step has committed.
// Parameters:
//   $class — the digit class
// Returns: lock_version — the neuron's count of absorption steps begun
MERGE (n:DetectorNeuron {class: $class})
SET n.lock_version = coalesce(n.lock_version, 0) + 1
RETURN n.lock_version AS lock_version
