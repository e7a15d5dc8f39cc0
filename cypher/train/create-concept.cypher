// Open a compartment: a new concept of a class's detector neuron, copied from one sample at the
// finest levels (figure, units, BOUNDED_BY and INTERCONNECTS; each part's `seen` = the sample
// part's table slots, the cells its one example fills), with CORRESPONDS from the concept's
// figure and each concept unit to the sample's it came from (step 1); the relationships between
// the copies follow those CORRESPONDS. Each concept unit hangs from its anchor cells (ANCHORS,
// the founding unit's: kernel/anchor-units) and carries its concept's class, training and
// status, which matching filters on. The concept starts in status 'training'.
// Parameters:
//   $class — the digit class of the detector neuron
//   $concept_id — id of the new concept
//   $compartment — its number within the neuron
//   $training — the training run that owns it
//   $sample_id — the founding sample
// Returns: units, links — copied
MATCH (s:Sample {sample_id: $sample_id})
MERGE (n:DetectorNeuron {class: $class})
CREATE (n)-[:HAS_COMPARTMENT]->(c:Concept {concept_id: $concept_id})
SET c.class = $class, c.compartment = $compartment, c.training = $training,
    c.status = 'training', c.examples_seen = 0, c.stable_since = 0
WITH c, s
CALL (c, s) {
  MATCH (s)-[:HAS_FIGURE]->(f:Figure)
  CREATE (c)-[:HAS_FIGURE]->(cf:ConceptFigure)
  SET cf += f {.*, slots: null, seen: f.slots}, cf.levels = [p IN f.params | 0]
  CREATE (cf)-[:CORRESPONDS {sample_id: s.sample_id, step: 1}]->(f)
}
CALL (c, s) {
  MATCH (s)-[:HAS_UNIT]->(u:Unit)
  CREATE (c)-[:HAS_UNIT]->(cu:ConceptUnit {unit_id: $concept_id + '#' + u.key})
  SET cu += u {.*, unit_id: $concept_id + '#' + u.key, sample_id: null, slots: null,
              seen: u.slots},
      cu.concept_id = $concept_id, cu.levels = [p IN u.params | 0], cu.class = $class,
      cu.training = $training, cu.status = 'training'
  CREATE (cu)-[:CORRESPONDS {sample_id: s.sample_id, step: 1}]->(u)
  WITH cu
  // @include kernel/anchor-units
  RETURN count(DISTINCT cu) AS units
}
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(ca:ConceptUnit)-[:CORRESPONDS]->(a:Unit)-[:BOUNDED_BY]->(b:Unit)
  MATCH (b)<-[:CORRESPONDS]-(cb:ConceptUnit)<-[:HAS_UNIT]-(c)
  CREATE (ca)-[:BOUNDED_BY]->(cb)
}
CALL (c) {
  MATCH (c)-[:HAS_UNIT]->(ca:ConceptUnit)-[:CORRESPONDS]->(a:Unit)-[r:INTERCONNECTS]->(b:Unit)
  MATCH (b)<-[:CORRESPONDS]-(cb:ConceptUnit)<-[:HAS_UNIT]-(c)
  CREATE (ca)-[q:INTERCONNECTS]->(cb)
  SET q += properties(r), q.levels = [p IN r.params | 0], q.slots = null, q.seen = r.slots
  RETURN count(q) AS links
}
RETURN units, links
