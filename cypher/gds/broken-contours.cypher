// Samples whose contour is broken: their units (as projected by gds/project-sample-units)
// fall into more than one weakly connected component (gds.wcc). Sensing keeps only connected
// figures, so a row here means a unit or relationship went missing on the way to the database.
// Parameters:
//   $graph_name — the graph made by gds/project-sample-units
// Returns: sample_id, split, label, units, components, component_sizes (largest first),
//   stray_units — keys of the units outside the largest component
CALL gds.wcc.stream($graph_name)
YIELD nodeId, componentId
WITH gds.util.asNode(nodeId) AS unit, componentId
WITH unit.sample_id AS sample_id, componentId, collect(unit.key) AS unit_keys
ORDER BY size(unit_keys) DESC, componentId
WITH sample_id, collect(unit_keys) AS parts
WHERE size(parts) > 1
MATCH (s:Sample {sample_id: sample_id})
RETURN s.sample_id AS sample_id, s.split AS split, s.label AS label, s.n_units AS units,
       size(parts) AS components, [part IN parts | size(part)] AS component_sizes,
       reduce(keys = [], part IN tail(parts) | keys + part) AS stray_units
ORDER BY components DESC, sample_id
