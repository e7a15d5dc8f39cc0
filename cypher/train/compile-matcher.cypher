// Compile a concept's units and interconnections into flat matchers, used by matching.
// For a parameter at level L the energy filled by a sample is E[first level >= L where codes
// agree]; because agreement at a level implies agreement at every coarser one, that equals
// the sum, over the agreeing levels l >= L, of the increments E[l] - E[l+1]. A matcher lists,
// for each such (parameter, level): its index in the sample's `flat` code list (parameters
// end to end without wildcards, see ingest), the concept's code, and the increment. Scoring a
// pair is then one loop of equality tests. Run after every change of levels.
// Each unit also gets an anchor: the indexes and founding codes of the anchor parameters (the
// position on the main and on the shifted grid) at the anchor level (quadrant). Matching only
// scores pairs that share a cell on at least one anchor grid: spatially distant units never
// correspond, and skipping them makes matching several times cheaper.
// Parameters:
//   $concept_id — the concept
//   $energies — map parameter -> energies of its levels
//   $anchor_parameters — parameters whose codes anchor a unit, e.g. ['position', 'position_shift']
//   $anchor_level — the level of the anchor codes (2 = quadrant)
// Returns: units, links — matchers compiled
MATCH (c:Concept {concept_id: $concept_id})
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit)
  WITH cu, [i IN range(0, size(cu.params) - 1) | size(cu[cu.params[i]]) - 1] AS depths
  WITH cu, depths,
       [i IN range(0, size(depths) - 1) | reduce(o = 0, k IN range(0, i) | o + depths[k]) - depths[i]] AS offsets
  WITH cu, offsets, reduce(acc = [], i IN range(0, size(depths) - 1) |
         acc + [l IN range(cu.levels[i], depths[i] - 1) |
           [offsets[i] + l, cu[cu.params[i]][l],
            $energies[cu.params[i]][l] - $energies[cu.params[i]][l + 1]]]) AS matcher
  SET cu.match_index = [m IN matcher | m[0]], cu.match_code = [m IN matcher | m[1]],
      cu.match_weight = [m IN matcher | m[2]],
      cu.anchor_index = [i IN range(0, size(cu.params) - 1) WHERE cu.params[i] IN $anchor_parameters
                         | offsets[i] + $anchor_level],
      cu.anchor_code = [i IN range(0, size(cu.params) - 1) WHERE cu.params[i] IN $anchor_parameters
                        | cu[cu.params[i]][$anchor_level]]
  RETURN count(cu) AS units
}
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(:ConceptUnit)-[r:INTERCONNECTS]->(:ConceptUnit)
  WITH r, [i IN range(0, size(r.params) - 1) | size(r[r.params[i]]) - 1] AS depths
  WITH r, depths,
       [i IN range(0, size(depths) - 1) | reduce(o = 0, k IN range(0, i) | o + depths[k]) - depths[i]] AS offsets
  WITH r, reduce(acc = [], i IN range(0, size(depths) - 1) |
         acc + [l IN range(r.levels[i], depths[i] - 1) |
           [offsets[i] + l, r[r.params[i]][l],
            $energies[r.params[i]][l] - $energies[r.params[i]][l + 1]]]) AS matcher
  SET r.match_index = [m IN matcher | m[0]], r.match_code = [m IN matcher | m[1]],
      r.match_weight = [m IN matcher | m[2]]
  RETURN count(r) AS links
}
RETURN units, links
