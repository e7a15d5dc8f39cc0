// How many active concepts (compartments) a near-duplicate search would compare, per class.
// Plain Cypher (no GDS): run before projecting, so an empty scope skips the projection.
// Parameters:
//   $class — only this digit class, or null for every class
// Returns: class, concepts — one row per class with active concepts
MATCH (c:Concept {status: 'active'})
WHERE $class IS NULL OR c.class = $class
RETURN c.class AS class, count(c) AS concepts
ORDER BY class
