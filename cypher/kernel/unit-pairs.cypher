// Kernel (included by infer/activate, infer/explain, infer/fill, train/choose-compartment): the
// mutual-best correspondence between the units of samples and the units of concepts, per
// sample and concept.
// Candidates: a concept unit and a sample unit sharing an anchor cell (same family, same
// quadrant on the main or the shifted position grid), found through the (:Anchor) nodes; a
// pair sharing both cells is taken through the main one only (that test reads the concept
// unit's main cell in a WITH of its own: ArcadeDB reads a list element as null in a WHERE
// attached to the MATCH, docs/compatibility.md). The sample units of all the
// input samples are grouped by anchor first, so each concept unit and its table are read once
// per anchor, whatever the number of samples (a batch of samples costs far less than the same
// samples one by one; ArcadeDB's per-query heap budget is lifted for this, see
// docs/compatibility.md).
// Score of a pair: the energy the sample unit fills of the concept unit, one table look-up
// per parameter (table[slot] over su.slots: for each parameter, the energy of the finest
// level, at or coarser than the concept's, at which their codes agree; coman_graph/encoding.py).
// Rank: the score, minus $distance_weight x the squared distance of their positions, plus
// $tie_bonus when the pair already corresponds (training: re-absorbing a sample reproduces its
// correspondence). A pair is kept when each is the other's best by rank within the concept
// (mutual best) and its score is positive. The kept pairs are listed,
// and their scores summed, in ascending order of score, so the sum is the same number whatever
// order the engine meets the pairs in (floating-point addition is not associative).
// Input variables: sample (a row per sample); classes (the classes whose concept units compete),
// status (their concepts' status, or null for any), training (a training run id, or null),
// concept_id (one concept, or null).
// Parameters:
//   $distance_weight — rank penalty per squared unit of distance (normalised coordinates)
//   $tie_bonus — rank bonus of a pair that already corresponds (0 outside training)
// Output rows: sample, concept_id, cus, sus, scores (the kept pairs, parallel lists), unit_energy
MATCH (sample)-[:HAS_UNIT]->(su:Unit)
WITH sample, su, su.anchor_keys AS keys, classes, status, training, concept_id
UNWIND range(0, size(keys) - 1) AS k
WITH keys[k] AS anchor_key, k, keys[0] AS main, classes, status, training, concept_id,
     collect({sample: sample, su: su, slots: su.slots, x: su.x, y: su.y}) AS members
MATCH (:Anchor {key: anchor_key})-[:ANCHORS]->(cu:ConceptUnit)
WHERE cu.class IN classes AND (status IS NULL OR cu.status = status)
  AND (training IS NULL OR cu.training = training)
  AND (concept_id IS NULL OR cu.concept_id = concept_id)
WITH cu, cu.anchor_keys[0] AS cu_main, k, main, members
WHERE k = 0 OR cu_main <> main
WITH cu, cu.concept_id AS cid, cu.table AS table, cu.x AS cx, cu.y AS cy, members
UNWIND members AS m
WITH m.sample AS sample, m.su AS su, cu, cid, reduce(e = 0.0, i IN m.slots | e + table[i]) AS score,
     (cx - m.x) ^ 2 + (cy - m.y) ^ 2 AS d2
WHERE score > 0
WITH sample, su, cu, cid, score,
     score - $distance_weight * d2
       + CASE WHEN $tie_bonus = 0 THEN 0.0
              WHEN EXISTS { (cu)-[:CORRESPONDS]->(su) } THEN $tie_bonus ELSE 0.0 END AS rank
WITH sample, cu, cid, collect(su) AS sus, collect(score) AS scores, collect(rank) AS ranks,
     max(rank) AS cu_best
UNWIND range(0, size(sus) - 1) AS i
WITH sample, cu, cid, sus[i] AS su, scores[i] AS score, ranks[i] AS rank, cu_best
WITH sample, cid, su, collect(cu) AS cus, collect(score) AS scores, collect(rank) AS ranks,
     collect(cu_best) AS bests, max(rank) AS su_best
UNWIND range(0, size(cus) - 1) AS i
WITH sample, cid AS concept_id, cus[i] AS cu, su, scores[i] AS score
WHERE ranks[i] = bests[i] AND ranks[i] = su_best
WITH sample, concept_id, cu, su, score
  ORDER BY score
WITH sample, concept_id, collect(cu) AS cus, collect(su) AS sus, collect(score) AS scores,
     sum(score) AS unit_energy
