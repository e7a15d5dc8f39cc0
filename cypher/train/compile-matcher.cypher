// Compile a concept's units, interconnections and figure into score tables, used by matching
// (kernel/unit-pairs, kernel/link-energy, kernel/figure-energy). For each parameter, in `params`
// order, and each fine cell of the parameter's scale (the (:Scale) universe, cells in index order),
// the table holds the energy a sample in that cell fills: the energy of the finest level, at or
// coarser than the concept's level, at which the cell's code and the concept's agree; written as
// the sum, over the agreeing levels l at or coarser than the concept's, of E[l] - E[l+1] (agreement
// at a level implies agreement at every coarser one). A sample's `slots` index these tables, so
// scoring a pair is one look-up per parameter. Run after every change of levels.
// Parameters:
//   $concept_id — the concept
// Returns: units (the figure included), links — tables compiled
MATCH (c:Concept {concept_id: $concept_id})
CALL () {
  MATCH (scale:Scale)
  UNWIND scale.parameters AS parameter
  RETURN collect({parameter: parameter, universe: scale.universe, depth: size(scale.levels),
                  energies: scale.energies}) AS scales
}
CALL (c, scales) {
  MATCH (c)-[:HAS_UNIT|HAS_FIGURE]->(cu)
  WITH cu, [p IN cu.params | [x IN scales WHERE x.parameter = p][0]] AS used
  SET cu.table = reduce(t = [], i IN range(0, size(used) - 1) |
        t + [cell IN range(0, size(used[i].universe) / used[i].depth - 1) |
          reduce(e = 0.0, l IN range(cu.levels[i], used[i].depth - 2) |
            e + CASE WHEN used[i].universe[cell * used[i].depth + l] = cu[cu.params[i]][l]
                THEN used[i].energies[l] - used[i].energies[l + 1] ELSE 0.0 END)])
  RETURN count(cu) AS units
}
CALL (c, scales) {
  MATCH (c)-[:HAS_UNIT]->(:ConceptUnit)-[r:INTERCONNECTS]->(:ConceptUnit)
  WITH r, [p IN r.params | [x IN scales WHERE x.parameter = p][0]] AS used
  SET r.table = reduce(t = [], i IN range(0, size(used) - 1) |
        t + [cell IN range(0, size(used[i].universe) / used[i].depth - 1) |
          reduce(e = 0.0, l IN range(r.levels[i], used[i].depth - 2) |
            e + CASE WHEN used[i].universe[cell * used[i].depth + l] = r[r.params[i]][l]
                THEN used[i].energies[l] - used[i].energies[l + 1] ELSE 0.0 END)])
  RETURN count(r) AS links
}
RETURN units, links
