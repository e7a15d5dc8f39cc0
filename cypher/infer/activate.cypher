// Activate every active concept (compartment) with each sample of a batch, and rank them.
// A concept is matched to the sample as in training (train/correspond: per-parameter energy
// of the finest agreeing level at or coarser than the concept's, mutual best unit pairs,
// interconnections whose counterparts are interconnected), without writing anything.
//   fill     = matched energy / concept energy     (how much of the concept the sample fills)
//   coverage = matched sample units and interconnections / all of the sample's
//              (penalises the sample's unexplained structure: an over-general, low-energy
//              concept that matches a few units of anything explains little)
//   explained = matched energy / max(concept energy, the sample's energy at the concept's
//               resolution: its points, segments and interconnections counted at the
//               concept's mean energy per point, segment and interconnection)
//   activation = fill * coverage (rule 'fill_coverage', the default), explained ('explained')
//                or fill alone ('fill', which lets over-general concepts win).
// Winner-take-all: concepts ordered by activation, ties to the concept of higher energy; the
// first is the winner, and each neuron's activation is that of its best compartment.
// Parameters:
//   $sample_ids — the batch of samples to classify
//   $classes — the detector neurons that compete (digit classes)
//   $rule — 'explained', 'fill_coverage' or 'fill'
// Returns: sample_id, label, winner (class), ranked — [{class, concept_id, activation, fill, coverage, energy}] best first
UNWIND $sample_ids AS sample_id
MATCH (s:Sample {sample_id: sample_id})
MATCH (c:Concept {status: 'active'})
WHERE c.class IN $classes
CALL (s, c) {
  MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit)
  MATCH (s)-[:HAS_UNIT]->(su:Unit)
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
  RETURN collect({cu: cu, su: su}) AS pairs, coalesce(sum(score), 0.0) AS unit_energy
}
CALL (pairs) {
  UNWIND pairs AS p
  WITH pairs, p.cu AS ca, p.su AS sa
  MATCH (ca)-[r:INTERCONNECTS]->(cb:ConceptUnit)
  WITH r, sa, [q IN pairs WHERE q.cu = cb | q.su] AS counterparts
  WHERE size(counterparts) > 0
  WITH r, sa, counterparts[0] AS sb
  MATCH (sa)-[q:INTERCONNECTS]-(sb)
  WITH r, collect(q)[0] AS q
  WITH r, r.match_index AS mi, r.match_code AS mc, r.match_weight AS mw, q.flat AS f
  WITH r, reduce(e = 0.0, j IN range(0, size(mi) - 1) |
         e + CASE WHEN f[mi[j]] = mc[j] THEN mw[j] ELSE 0.0 END) AS score
  RETURN count(r) AS links, coalesce(sum(score), 0.0) AS link_energy
}
WITH s, c, unit_energy + link_energy AS matched,
     (toFloat(size(pairs)) + links) / (s.n_units + s.n_links) AS coverage,
     (s.n_units - s.n_segments) * c.mean_point_energy + s.n_segments * c.mean_segment_energy
       + s.n_links * c.mean_link_energy AS sample_energy
WITH s, c, coverage, CASE WHEN c.energy > 0 THEN matched / c.energy ELSE 0.0 END AS fill,
     CASE WHEN c.energy > 0 THEN matched / CASE WHEN sample_energy > c.energy
       THEN sample_energy ELSE c.energy END ELSE 0.0 END AS explained
WITH s, c, fill, coverage,
     CASE $rule WHEN 'fill' THEN fill WHEN 'explained' THEN explained
       ELSE fill * coverage END AS activation
ORDER BY activation DESC, c.energy DESC
WITH s, collect({class: c.class, concept_id: c.concept_id, activation: activation,
                 fill: fill, coverage: coverage, energy: c.energy}) AS ranked
RETURN s.sample_id AS sample_id, s.label AS label, ranked[0].class AS winner, ranked
