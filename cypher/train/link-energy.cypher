// Energy the sample fills of a concept's interconnections, given the step's correspondence:
// a concept interconnection counts when its two units' counterparts are interconnected in the
// sample (either direction); each parameter scores the energy of the finest level, at or
// coarser than the concept's, at which the codes agree.
// Parameters:
//   $concept_id — the concept
//   $sample_id — the sample
//   $step — the absorption step whose CORRESPONDS to use
// Returns: links — matched interconnections, link_energy — the energy they fill
MATCH (:Concept {concept_id: $concept_id})-[:HAS_UNIT]->(ca:ConceptUnit)-[r:INTERCONNECTS]->(cb:ConceptUnit)
MATCH (ca)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(sa:Unit)
MATCH (cb)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(sb:Unit)
MATCH (sa)-[q:INTERCONNECTS]-(sb)
WITH r, collect(q)[0] AS q
WITH r, r.match_index AS mi, r.match_code AS mc, r.match_weight AS mw, q.flat AS f
WITH r, reduce(e = 0.0, j IN range(0, size(mi) - 1) |
       e + CASE WHEN f[mi[j]] = mc[j] THEN mw[j] ELSE 0.0 END) AS score
RETURN count(r) AS links, coalesce(sum(score), 0.0) AS link_energy
