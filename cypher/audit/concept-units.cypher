// The hypergraphs of a class's concepts: one row per concept unit (or one row with a null key
// for a concept without units), with its concept's summary, its parameters at their levels,
// the points bounding it and its outgoing interconnections.
// Parameters:
//   $class — the digit class of the detector neuron
//   $status — which concepts to show, e.g. 'active'
// Returns: concept_id, compartment, energy, examples_seen, stable_since, key, kind, x, y,
//   start, unit (all properties of the unit), bounded_by (point keys),
//   interconnects (list of maps: target key and all properties of the interconnection)
MATCH (:DetectorNeuron {class: $class})-[:HAS_COMPARTMENT]->(c:Concept {status: $status})
OPTIONAL MATCH (c)-[:HAS_UNIT]->(u:ConceptUnit)
OPTIONAL MATCH (u)-[:BOUNDED_BY]->(p:ConceptUnit)
WITH c, u, collect(p.key) AS bounded_by
OPTIONAL MATCH (u)-[r:INTERCONNECTS]->(v:ConceptUnit)
WITH c, u, bounded_by,
     collect(CASE WHEN r IS NULL THEN null ELSE {target: v.key, link: properties(r)} END) AS interconnects
RETURN c.concept_id AS concept_id, c.compartment AS compartment, c.energy AS energy,
       c.examples_seen AS examples_seen, c.stable_since AS stable_since,
       u.key AS key, u.kind AS kind, u.x AS x, u.y AS y, u.start AS start,
       CASE WHEN u IS NULL THEN null ELSE properties(u) END AS unit,
       bounded_by, interconnects
ORDER BY compartment, key
