// Compile a concept's units, interconnections and figure into score tables, used by matching
// (kernel/unit-pairs, kernel/link-energy, kernel/figure-energy). For each parameter, in `params`
// order, and each fine cell of the parameter's scale (the (:Scale) universe, cells in index order),
// the table holds the energy a sample in that cell fills: the energy of the finest level, at or
// coarser than the concept's level, at which the cell's code and the concept's agree (the sum,
// over the agreeing levels l at or coarser than the concept's, of E[l] - E[l+1]). That vector
// depends only on the concept's level and its code there, so every scale stores them all,
// precomputed (`table_keys` 'level|code', `tables` flattened: coman_graph/encoding.py,
// level_tables); compiling is one look-up and one slice per parameter. A sample's `slots` index
// these tables, so scoring a pair is one look-up per parameter. Run after every change of levels.
// Parameters:
//   $concept_id — the concept
// Returns: units (the figure included), links — tables compiled
MATCH (c:Concept {concept_id: $concept_id})
CALL () {
  MATCH (scale:Scale)
  UNWIND scale.parameters AS parameter
  RETURN collect({parameter: parameter, keys: scale.table_keys, tables: scale.tables,
                  cells: size(scale.universe) / size(scale.levels)}) AS scales
}
CALL (c, scales) {
  MATCH (c)-[:HAS_UNIT|HAS_FIGURE]->(cu)
  WITH cu, [i IN range(0, size(cu.params) - 1) |
            {scale: [x IN scales WHERE x.parameter = cu.params[i]][0],
             key: toString(cu.levels[i]) + '|' + cu[cu.params[i]][cu.levels[i]]}] AS used
  WITH cu, [u IN used | {scale: u.scale,
                         at: [k IN range(0, size(u.scale.keys) - 1) WHERE u.scale.keys[k] = u.key][0]}]
       AS found
  SET cu.table = reduce(t = [], f IN found |
        t + f.scale.tables[f.at * f.scale.cells .. (f.at + 1) * f.scale.cells])
  RETURN count(cu) AS units
}
CALL (c, scales) {
  MATCH (c)-[:HAS_UNIT]->(:ConceptUnit)-[r:INTERCONNECTS]->(:ConceptUnit)
  WITH r, [i IN range(0, size(r.params) - 1) |
           {scale: [x IN scales WHERE x.parameter = r.params[i]][0],
            key: toString(r.levels[i]) + '|' + r[r.params[i]][r.levels[i]]}] AS used
  WITH r, [u IN used | {scale: u.scale,
                        at: [k IN range(0, size(u.scale.keys) - 1) WHERE u.scale.keys[k] = u.key][0]}]
       AS found
  SET r.table = reduce(t = [], f IN found |
        t + f.scale.tables[f.at * f.scale.cells .. (f.at + 1) * f.scale.cells])
  RETURN count(r) AS links
}
RETURN units, links
