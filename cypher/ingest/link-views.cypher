// Link each view (an augmented copy an image is classified through) to its image, idempotently:
// (:Sample)-[:HAS_VIEW]->(:Sample). A pair whose image or view is not stored is skipped.
// Parameters:
//   $pairs — list of {image: the image's sample_id, view: the view's sample_id}
// Returns: linked — the pairs whose image and view are both stored
UNWIND $pairs AS pair
MATCH (image:Sample {sample_id: pair.image})
MATCH (view:Sample {sample_id: pair.view})
MERGE (image)-[:HAS_VIEW]->(view)
RETURN count(*) AS linked
