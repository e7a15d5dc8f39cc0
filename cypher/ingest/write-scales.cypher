// Store the scales of every parameter with their levels, cells, level energies and universe,
// and the anchor cells units are matched by (idempotent).
// Energy of a level = log2(cells at that level); the wildcard level '*' has energy 0.
// A scale's universe is its fine cells in index order, each with its codes on every level,
// flattened: cell i's codes are universe[i * size(levels) .. (i + 1) * size(levels) - 1].
// A scale also holds every table a concept's parameter on it compiles to (train/compile-matcher):
// `table_keys` ('level|code') and `tables`, flattened, one vector of fine cells per key.
// Parameters:
//   $scales — list of {name, levels: [finest..., '*'], cells, energies, parameters: [names], universe: [codes], table_keys, tables}
//   $anchors — every anchor cell key (family|parameter|quadrant code)
// Returns: scales, anchors — the numbers written
CALL () {
  UNWIND $scales AS scale
  MERGE (s:Scale {name: scale.name})
  SET s.levels = scale.levels, s.cells = scale.cells, s.energies = scale.energies,
      s.parameters = scale.parameters, s.universe = scale.universe,
      s.table_keys = scale.table_keys, s.tables = scale.tables
  RETURN count(s) AS scales
}
CALL () {
  UNWIND $anchors AS key
  MERGE (a:Anchor {key: key})
  RETURN count(a) AS anchors
}
RETURN scales, anchors
