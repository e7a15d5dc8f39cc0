// Kernel (included by train/compile-matcher): the score table and parameter energies of one
// concept part (a concept unit, the concept's figure or an interconnection).
// For each parameter, in `params` order, the table holds one entry per fine cell of its scale
// (the (:Scale) universe, cells in index order): the energy a sample in that cell fills.
// - Form 'levels', and the kind parameter in every form: the energy of the finest level, at or
//   coarser than the part's level, at which the cell's code and the part's agree; every such
//   vector is precomputed on its scale (`table_keys` 'level|code', `tables` flattened:
//   coman_graph/encoding.py, level_tables), so this is one look-up and one slice.
// - Form 'spread': `seen` holds the table positions of the cells the part's examples filled
//   (train/create-concept, R_uc, R_sp). At each level l but the wildcard, those cells lie in a
//   cover of level-l cells, and the level is worth E[l] - log2(size of the cover) bits of
//   specificity; a cell fills the most bits of any level whose cover holds its level-l cell,
//   0 if none. One example's cell is the form 'levels' at level 0; each new cell seen can only
//   widen a cover, so no entry rises.
// `energies[i]` is parameter i's energy: E at the part's level for a looked-up slice, the
// slice's largest entry for a spread one (the energy a sample the part has seen fills).
// Input variables: part; scales — [{parameter, keys, tables, cells, depth, energies, universe}]
// Parameters:
//   $form — 'levels' or 'spread'
//   $kind_parameter — the name of the kind parameter (always looked up)
WITH part, [p IN part.params | [x IN scales WHERE x.parameter = p][0]] AS used
UNWIND range(0, size(used) - 1) AS i
WITH part, i, used[i] AS x,
     reduce(o = 0, j IN range(0, i - 1) | o + used[j].cells) AS offset,
     $form = 'spread' AND part.params[i] <> $kind_parameter AS spread
WITH part, i, x, spread,
     [s IN CASE WHEN spread THEN part.seen ELSE [] END
      WHERE s >= offset AND s < offset + x.cells | s - offset] AS cells,
     toString(part.levels[i]) + '|' + part[part.params[i]][part.levels[i]] AS key
WITH part, i, x, spread, key,
     [l IN range(0, x.depth - 2) | reduce(cover = [], c IN cells |
        CASE WHEN x.universe[c * x.depth + l] IN cover THEN cover
        ELSE cover + x.universe[c * x.depth + l] END)] AS covers
WITH part, i, x, spread, key, covers,
     [l IN range(0, x.depth - 2) | CASE WHEN size(covers[l]) = 0 THEN 0.0
        ELSE x.energies[l] - log(size(covers[l])) / log(2) END] AS bits
WITH part, i, x, spread, covers, bits,
     [k IN range(0, size(x.keys) - 1) WHERE x.keys[k] = key][0] AS at
WITH part, i, spread, x.energies[part.levels[i]] AS level_energy,
     CASE WHEN spread
       THEN [c IN range(0, x.cells - 1) | reduce(b = 0.0, l IN range(0, x.depth - 2) |
              CASE WHEN bits[l] > b AND x.universe[c * x.depth + l] IN covers[l] THEN bits[l]
              ELSE b END)]
       ELSE x.tables[at * x.cells .. (at + 1) * x.cells] END AS slice
  ORDER BY i
WITH part, collect(slice) AS slices,
     collect(CASE WHEN spread THEN reduce(m = 0.0, v IN slice | CASE WHEN v > m THEN v ELSE m END)
             ELSE level_energy END) AS energies
SET part.table = reduce(t = [], s IN slices | t + s), part.energies = energies
