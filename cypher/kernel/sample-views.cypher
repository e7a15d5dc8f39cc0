// Kernel (included by infer/activate and its procedure fast path): the samples of a batch and
// up to $views of each one's views (augmented copies linked by ingest/link-views, in order of
// sample id), which are matched alike and pooled by kernel/pool-views.
// Input variables: none
// Parameters:
//   $sample_ids — the batch of samples to classify
//   $views — how many of a sample's views take part (0: none)
// Output rows: one; groups — [{image: a sample id of the batch, label: its label, views: its
//   views' ids}];
//   ids — the batch's samples and their views
UNWIND $sample_ids AS sample_id
MATCH (image:Sample {sample_id: sample_id})
OPTIONAL MATCH (image)-[:HAS_VIEW]->(view:Sample)
WITH image, view
  ORDER BY view.sample_id
WITH image, collect(view.sample_id) AS views
WITH collect({image: image.sample_id, label: image.label, views: views[..$views]}) AS groups
WITH groups, [id IN reduce(all = [], g IN groups | all + [g.image] + g.views) | toString(id)] AS ids
