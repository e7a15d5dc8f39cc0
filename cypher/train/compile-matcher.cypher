// Compile a concept's units and interconnections into flat matchers, used by matching.
// For a parameter at level L the energy filled by a sample is E[first level >= L where codes
// agree]; because agreement at a level implies agreement at every coarser one, that equals
// the sum, over the agreeing levels l >= L, of the increments E[l] - E[l+1]. A matcher lists,
// for each such (parameter, level): its index in the sample's `flat` code list (parameters
// end to end without wildcards, see ingest), the concept's code, and the increment. Scoring a
// pair is then one loop of equality tests. Run after every change of levels.
// Parameters:
//   $concept_id — the concept
//   $energies — map parameter -> energies of its levels
// Returns: units, links — matchers compiled
MATCH (c:Concept {concept_id: $concept_id})
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(cu:ConceptUnit)
  WITH cu, [i IN range(0, size(cu.params) - 1) | size(cu[cu.params[i]]) - 1] AS depths
  WITH cu, depths,
       [i IN range(0, size(depths) - 1) | reduce(o = 0, k IN range(0, i) | o + depths[k]) - depths[i]] AS offsets
  WITH cu, reduce(acc = [], i IN range(0, size(depths) - 1) |
         acc + [l IN range(cu.levels[i], depths[i] - 1) |
           [offsets[i] + l, cu[cu.params[i]][l],
            $energies[cu.params[i]][l] - $energies[cu.params[i]][l + 1]]]) AS matcher
  SET cu.match_index = [m IN matcher | m[0]], cu.match_code = [m IN matcher | m[1]],
      cu.match_weight = [m IN matcher | m[2]]
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
