// V001: uniqueness constraints and lookup indexes of the data model (DESIGN.md §3).
// Parameters: none
CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE;
CREATE CONSTRAINT sample_id IF NOT EXISTS FOR (s:Sample) REQUIRE s.sample_id IS UNIQUE;
CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (u:Unit) REQUIRE u.unit_id IS UNIQUE;
CREATE CONSTRAINT scale_name IF NOT EXISTS FOR (s:Scale) REQUIRE s.name IS UNIQUE;
CREATE CONSTRAINT detector_class IF NOT EXISTS FOR (n:DetectorNeuron) REQUIRE n.class IS UNIQUE;
CREATE CONSTRAINT concept_id IF NOT EXISTS FOR (c:Concept) REQUIRE c.concept_id IS UNIQUE;
CREATE CONSTRAINT concept_unit_id IF NOT EXISTS FOR (u:ConceptUnit) REQUIRE u.unit_id IS UNIQUE;
CREATE CONSTRAINT run_id IF NOT EXISTS FOR (r:Run) REQUIRE r.run_id IS UNIQUE;
CREATE INDEX sample_label IF NOT EXISTS FOR (s:Sample) ON (s.label);
CREATE INDEX sample_split IF NOT EXISTS FOR (s:Sample) ON (s.split);
CREATE INDEX unit_sample IF NOT EXISTS FOR (u:Unit) ON (u.sample_id);
CREATE INDEX concept_class IF NOT EXISTS FOR (c:Concept) ON (c.class);
