// Bloom search phrase "samples of class $class in split $split" (graph form of
// cypher/audit/samples-per-class): the stored samples of one class and split, originals and
// augmentations alike (augmentation = 0 for an original).
// Parameters:
//   $class — the digit label (integer)
//   $split — train or test
// Returns: sample nodes
MATCH (s:Sample {label: $class, split: $split})
RETURN s
