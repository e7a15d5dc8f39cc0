// Distribution of loop counts (closed contours) per class.
// Parameters: none
// Returns: label, loops, samples
MATCH (s:Sample)
RETURN s.label AS label, s.loops AS loops, count(s) AS samples
ORDER BY label, loops
