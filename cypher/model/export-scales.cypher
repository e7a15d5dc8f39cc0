// Export (model file): every (:Scale) with all its properties, and every anchor cell key, as
// ingest/write-scales stores them: what matching and training read besides the concepts, so
// a model imported into an empty server classifies as it did where it was trained.
// Parameters: none
// Returns: scales — the properties of each scale, anchors — every Anchor key
CALL () {
  MATCH (s:Scale)
  RETURN collect(properties(s)) AS scales
}
CALL () {
  MATCH (a:Anchor)
  RETURN collect(a.key) AS anchors
}
RETURN scales, anchors
