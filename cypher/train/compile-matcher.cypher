// Compile a concept's units, figure and interconnections into score tables, used by matching
// (kernel/unit-pairs, kernel/link-energy, kernel/figure-energy), and into the parameter energies
// train/energy sums: kernel/part-table, for each part. A sample's `slots` index these tables,
// so scoring a pair is one look-up per parameter. Run after every change of a concept.
// Parameters:
//   $concept_id — the concept
//   $form — the concept form: 'levels' or 'spread' (kernel/part-table)
//   $kind_parameter — the name of the kind parameter
// Returns: units (the figure included), links — compiled
MATCH (c:Concept {concept_id: $concept_id})
CALL () {
  MATCH (scale:Scale)
  UNWIND scale.parameters AS parameter
  RETURN collect({parameter: parameter, keys: scale.table_keys, tables: scale.tables,
                  cells: size(scale.universe) / size(scale.levels), depth: size(scale.levels),
                  energies: scale.energies, universe: scale.universe}) AS scales
}
CALL (c, scales) {
  MATCH (c)-[:HAS_UNIT|HAS_FIGURE]->(part)
  // @include kernel/part-table
  RETURN count(part) AS units
}
CALL (c, scales) {
  MATCH (c)-[:HAS_UNIT]->(:ConceptUnit)-[part:INTERCONNECTS]->(:ConceptUnit)
  // @include kernel/part-table
  RETURN count(part) AS links
}
RETURN units, links
