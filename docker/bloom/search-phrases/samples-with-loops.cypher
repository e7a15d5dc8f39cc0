// Bloom search phrase "samples of class $class with $loops loops" (graph form of
// cypher/audit/loops-per-class): the samples of a class with a given number of closed
// contours, e.g. the 8s with only one loop.
// Parameters:
//   $class — the digit label (integer)
//   $loops — the number of loops (integer)
// Returns: sample nodes
MATCH (s:Sample {label: $class, loops: $loops})
RETURN s
