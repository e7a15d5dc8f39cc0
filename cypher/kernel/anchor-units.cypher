// Kernel (included by train/create-concept and model/import-units): hang concept units from
// their anchor cells. Each unit gets an ANCHORS from the (:Anchor) of every key in its
// anchor_keys (ingest/write-scales MERGEs those nodes), which matching (kernel/unit-pairs)
// finds candidate pairs through.
// Input variables: cu — a concept unit (a row per unit)
// Parameters: none
// Output rows: cu, anchor_key — one per ANCHORS created
UNWIND cu.anchor_keys AS anchor_key
MATCH (a:Anchor {key: anchor_key})
CREATE (a)-[:ANCHORS]->(cu)
