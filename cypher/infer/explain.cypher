// Explain one activation: which concept units matched which sample units, and with what
// energy (the same mutual-best matching as infer/activate, for one sample and one concept).
// Parameters:
//   $sample_id — the sample
//   $concept_id — the concept (usually the winner)
// Returns: concept_unit, concept_kind, sample_unit, sample_kind, score, cx, cy, sx, sy
MATCH (c:Concept {concept_id: $concept_id})-[:HAS_UNIT]->(cu:ConceptUnit)
MATCH (s:Sample {sample_id: $sample_id})-[:HAS_UNIT]->(su:Unit)
WHERE (cu.kind = 'Segment') = (su.kind = 'Segment')
WITH cu, su, cu.anchor_index AS ai, cu.anchor_code AS ac, su.flat AS f
WHERE any(k IN range(0, size(ai) - 1) WHERE f[ai[k]] = ac[k])
WITH cu, su, f, cu.match_index AS mi, cu.match_code AS mc, cu.match_weight AS mw
WITH cu, su, reduce(e = 0.0, j IN range(0, size(mi) - 1) |
       e + CASE WHEN f[mi[j]] = mc[j] THEN mw[j] ELSE 0.0 END) AS score
WITH cu, su, score, score - 0.01 * ((cu.x - su.x) ^ 2 + (cu.y - su.y) ^ 2) AS rank
WITH cu, collect({su: su, score: score, rank: rank}) AS options, max(rank) AS cu_best
UNWIND options AS o
WITH cu, o.su AS su, o.score AS score, o.rank AS rank, cu_best
WITH su, collect({cu: cu, score: score, rank: rank, cu_best: cu_best}) AS options,
     max(rank) AS su_best
UNWIND options AS o
WITH o.cu AS cu, su, o.score AS score
WHERE o.rank = o.cu_best AND o.rank = su_best AND o.score > 0
RETURN cu.key AS concept_unit, cu.kind AS concept_kind, su.key AS sample_unit,
       su.kind AS sample_kind, score, cu.x AS cx, cu.y AS cy, su.x AS sx, su.y AS sy
ORDER BY score DESC
