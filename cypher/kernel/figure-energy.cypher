// Kernel (included by infer/activate and infer/fill): the energy a sample fills of a concept's
// figure (its loops and closure, coman_graph/encoding.py), one table look-up per parameter as
// for units, and the bits of the concept's figure energy it leaves unfilled.
// Input variables: sample, c — the sample and the concept.
// Parameters: none
// Output variables: figure_fill — the figure energy filled, figure_missing — the concept's
//   figure_energy minus figure_fill (0 for a concept without a figure)
CALL (sample, c) {
  OPTIONAL MATCH (c)-[:HAS_FIGURE]->(cf:ConceptFigure)
  OPTIONAL MATCH (sample)-[:HAS_FIGURE]->(sf:Figure)
  WITH coalesce(reduce(e = 0.0, i IN sf.slots | e + cf.table[i]), 0.0) AS figure_fill,
       coalesce(c.figure_energy, 0.0) AS figure_energy
  RETURN figure_fill, figure_energy - figure_fill AS figure_missing
}
