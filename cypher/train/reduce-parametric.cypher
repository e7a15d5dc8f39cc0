// Operator R_uc (parametric reduction): every parameter of a matched concept unit, except its
// kind, and of the concept's figure rises to the finest level at which concept and sample
// agree (never to a finer level than it had: energy cannot rise), and the cells the sample
// fills join the part's `seen` (the spread form's record of its examples, kernel/part-table).
// Parameters:
//   $concept_id — the concept
//   $sample_id — the absorbed sample
//   $step — the step whose CORRESPONDS give the unit correspondence
//   $kind_parameter — the name of the kind parameter (left to R_sp)
// Returns: units — matched units (and the figure) visited, raised — parameters whose level rose
MATCH (:Concept {concept_id: $concept_id})-[:HAS_UNIT|HAS_FIGURE]->(cu)-[:CORRESPONDS {sample_id: $sample_id, step: $step}]->(su)
WITH cu, su, [i IN range(0, size(cu.params) - 1) |
       CASE WHEN cu.params[i] = $kind_parameter THEN cu.levels[i]
       ELSE head([l IN range(cu.levels[i], size(cu[cu.params[i]]) - 1)
         WHERE su[cu.params[i]][l] = cu[cu.params[i]][l]]) END] AS levels
WITH cu, su, levels, size([i IN range(0, size(levels) - 1) WHERE levels[i] <> cu.levels[i]]) AS raised
SET cu.levels = levels, cu.seen = cu.seen + [x IN su.slots WHERE NOT x IN cu.seen]
RETURN count(cu) AS units, coalesce(sum(raised), 0) AS raised
