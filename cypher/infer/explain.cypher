// Explain one activation: which concept units matched which sample units, and with what
// energy (the same mutual-best matching as infer/activate, kernel/unit-pairs, for one sample
// and one concept, whatever its status).
// Parameters:
//   $sample_id — the sample
//   $concept_id — the concept (usually the winner)
// Returns: concept_unit, concept_kind, sample_unit, sample_kind, score, cx, cy, sx, sy
MATCH (s:Sample {sample_id: $sample_id})
MATCH (c:Concept {concept_id: $concept_id})
CALL (s, c) {
  WITH s AS sample, [c.class] AS classes, null AS status, null AS training, c.concept_id AS concept_id
  // @include kernel/match
  UNWIND range(0, size(cus) - 1) AS i
  RETURN cus[i] AS cu, sus[i] AS su, scores[i] AS score
}
RETURN cu.key AS concept_unit, cu.kind AS concept_kind, su.key AS sample_unit,
       su.kind AS sample_kind, score, cu.x AS cx, cu.y AS cy, su.x AS sx, su.y AS sy
ORDER BY score DESC
