// Samples stored per split and class, originals and augmentations counted apart.
// Parameters: none
// Returns: split, label, originals, augmentations
MATCH (s:Sample)
RETURN s.split AS split, s.label AS label,
       sum(CASE WHEN s.augmentation = 0 THEN 1 ELSE 0 END) AS originals,
       sum(CASE WHEN s.augmentation > 0 THEN 1 ELSE 0 END) AS augmentations
ORDER BY split, label
