"""Graph store: connection config, the embedded ArcadeDB server, migrations and named queries."""
