// Bloom search phrase "loop outliers of class $class" (from cypher/audit/loops-per-class):
// the samples of a class whose loop count differs from the class's most common one (ties go
// to the smaller count), all splits and augmentations included.
// Parameters:
//   $class — the digit label (integer)
// Returns: sample nodes
MATCH (s:Sample {label: $class})
WITH s.loops AS loops, collect(s) AS samples
ORDER BY size(samples) DESC, loops
WITH collect(samples) AS groups
UNWIND groups[1..] AS outliers
UNWIND outliers AS s
RETURN s
