// V004: the label sets and relationship type of the figure (the sample's and the concept's
// topology, coman_graph/encoding.py), created once and deleted at once, as in V003.
// Parameters: none
CREATE (n:Figure) DELETE n;
CREATE (n:ConceptFigure) DELETE n;
CREATE (a:Scale)-[r:HAS_FIGURE]->(b:Scale) DELETE r, a, b;
