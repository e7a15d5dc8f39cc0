// Forget a tentative correspondence (a compartment that was scored but not chosen).
// Parameters:
//   $concept_id — the concept
//   $sample_id — the sample
//   $step — the step of the correspondence
// Returns: removed — CORRESPONDS relationships deleted
MATCH (:Concept {concept_id: $concept_id})-[:HAS_UNIT]->(:ConceptUnit)-[m:CORRESPONDS {sample_id: $sample_id, step: $step}]->()
DELETE m
RETURN count(m) AS removed
