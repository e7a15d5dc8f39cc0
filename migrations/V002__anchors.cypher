// V002: anchor cells (DESIGN.md §5, docs/data-model.md): one (:Anchor) per family and quadrant of
// the main and the shifted position grid; concept units hang from theirs, for candidate look-up.
// Parameters: none
CREATE CONSTRAINT anchor_key IF NOT EXISTS FOR (a:Anchor) REQUIRE a.key IS UNIQUE;
