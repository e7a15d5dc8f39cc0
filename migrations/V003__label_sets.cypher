// V003: every node label set and relationship type the application writes, created once and
// deleted at once. ArcadeDB makes a type of each label set (and relationship type) the first
// time one is written; two transactions doing that at the same moment make one fail, and its
// Bolt plugin reports it without the cause (docs/compatibility.md). On Neo4j this is a no-op.
// Parameters: none
CREATE (n:Sample) DELETE n;
CREATE (n:Unit:EndPoint) DELETE n;
CREATE (n:Unit:CornerPoint) DELETE n;
CREATE (n:Unit:JunctionPoint) DELETE n;
CREATE (n:Unit:Point) DELETE n;
CREATE (n:Unit:Segment) DELETE n;
CREATE (n:Scale) DELETE n;
CREATE (n:Anchor) DELETE n;
CREATE (n:DetectorNeuron) DELETE n;
CREATE (n:Concept) DELETE n;
CREATE (n:ConceptUnit) DELETE n;
CREATE (n:Run) DELETE n;
CREATE (a:Scale)-[r:HAS_UNIT]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:BOUNDED_BY]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:INTERCONNECTS]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:CORRESPONDS]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:ABSORBED]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:HAS_COMPARTMENT]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:CLASSIFIED]->(b:Scale) DELETE r, a, b;
CREATE (a:Scale)-[r:ANCHORS]->(b:Scale) DELETE r, a, b;
