// Match a concept to a sample and record the correspondence as CORRESPONDS relationships.
// A concept unit and a sample unit are candidates when both are points or both segments.
// Their score is the energy the sample unit fills: for each parameter, the energy of the
// finest level, at or coarser than the concept's level, at which their codes agree.
// Each concept unit and each sample unit is used at most once: a pair is kept when each is
// the other's best (mutual best match). Ties break towards a pair already absorbed (so
// re-absorbing a sample reproduces its correspondence), then towards nearer positions.
// Parameters:
//   $concept_id — the concept
//   $sample_id — the sample
//   $step — the absorption step this correspondence belongs to
// Returns: pairs, unit_energy — matched units and the energy they fill
MATCH (c:Concept {concept_id: $concept_id})-[:HAS_UNIT]->(cu:ConceptUnit)
MATCH (s:Sample {sample_id: $sample_id})-[:HAS_UNIT]->(su:Unit)
WHERE (cu.kind = 'Segment') = (su.kind = 'Segment')
WITH cu, su, cu.anchor_index AS ai, cu.anchor_code AS ac, su.flat AS f
WHERE any(k IN range(0, size(ai) - 1) WHERE f[ai[k]] = ac[k])
WITH cu, su, f, cu.match_index AS mi, cu.match_code AS mc, cu.match_weight AS mw
WITH cu, su, reduce(e = 0.0, j IN range(0, size(mi) - 1) |
       e + CASE WHEN f[mi[j]] = mc[j] THEN mw[j] ELSE 0.0 END) AS score
WITH cu, su, score,
     score + CASE WHEN EXISTS { (cu)-[:CORRESPONDS]->(su) } THEN 1000.0 ELSE 0.0 END
       - 0.01 * ((cu.x - su.x) ^ 2 + (cu.y - su.y) ^ 2) AS rank
WITH cu, collect({su: su, score: score, rank: rank}) AS options, max(rank) AS cu_best
UNWIND options AS o
WITH cu, o.su AS su, o.score AS score, o.rank AS rank, cu_best
WITH su, collect({cu: cu, score: score, rank: rank, cu_best: cu_best}) AS options,
     max(rank) AS su_best
UNWIND options AS o
WITH o.cu AS cu, su, o.score AS score
WHERE o.rank = o.cu_best AND o.rank = su_best AND o.score > 0
CREATE (cu)-[:CORRESPONDS {sample_id: $sample_id, step: $step, score: score}]->(su)
RETURN count(*) AS pairs, sum(score) AS unit_energy
