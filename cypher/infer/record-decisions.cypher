// Store decisions of a run: for each sample and detector neuron, the neuron's activation, the
// compartment that gave it and whether it won. Idempotent per (run, sample, neuron).
// Parameters:
//   $run_id — the run
//   $rows — list of {sample_id, class, activation, concept_id, winner}
// Returns: recorded — the number of CLASSIFIED relationships written
UNWIND $rows AS row
MATCH (s:Sample {sample_id: row.sample_id})
MATCH (n:DetectorNeuron {class: row.class})
MERGE (s)-[c:CLASSIFIED {run_id: $run_id}]->(n)
SET c.activation = row.activation, c.concept_id = row.concept_id, c.winner = row.winner
RETURN count(c) AS recorded
