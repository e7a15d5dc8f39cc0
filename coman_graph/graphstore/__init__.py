"""Graph store: connection config, local servers (Neo4j, ArcadeDB), migrations and named queries."""
